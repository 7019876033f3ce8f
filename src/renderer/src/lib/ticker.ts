/*
 * One clock for every timer on screen. Rows register a cell (a function that writes its own DOM
 * node); once a second, on the second, the ticker calls each with the same `now`. React is not
 * involved: the list does not re-render because time passed, and only mounted (visible) rows
 * have cells, so a queue of 5,000 leads costs what the ~30 visible rows cost.
 *
 *   useEffect(() => ticker.add((now) => { el.textContent = elapsedText(now - receivedAt); }), []);
 */

export type TickCell = (now: number) => void;

export class Ticker {
  private readonly cells = new Set<TickCell>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The page may shift the clock (tests, the benchmark): the app's clock minus Date.now(). */
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Aligns the page's clock with the app's (queue.get reports the app's `at`). */
  syncTo(appNow: number): void {
    const offset = appNow - Date.now();
    // Sub-second drift is transit time, not a clock difference.
    if (Math.abs(offset - this.offsetMs) > 1000) this.offsetMs = offset;
  }

  /** Registers a cell and paints it at once; returns the function that removes it. */
  add(cell: TickCell): () => void {
    this.cells.add(cell);
    paint(cell, this.now());
    this.schedule();
    return () => {
      this.cells.delete(cell);
    };
  }

  /** Paints every cell now (after a queue refresh, so new rows do not wait for the second). */
  tick(): void {
    const now = this.now();
    for (const cell of this.cells) paint(cell, now);
  }

  get size(): number {
    return this.cells.size;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = 1000 - (this.now() % 1000) + 5;
    this.timer = setTimeout(() => {
      // On the second, unless the rep is in the middle of something: a key press and its frame
      // come first, the timers right after (a tick restyles and repaints every row on screen).
      whenIdle(() => {
        this.timer = null;
        this.tick();
        if (this.cells.size > 0) this.schedule();
      });
    }, wait);
  }
}

type IdleScope = {
  requestIdleCallback?: (callback: () => void, options: { timeout: number }) => number;
};

/** Idle, or within TICK_LATE_MS at the latest; at once where there is no idle callback (Node). */
function whenIdle(run: () => void): void {
  // Called on the global object: a detached window method throws "Illegal invocation".
  const scope = globalThis as IdleScope;
  if (scope.requestIdleCallback) scope.requestIdleCallback(run, { timeout: TICK_LATE_MS });
  else run();
}

/** How late a tick may be while the page is busy (timers read whole seconds). */
const TICK_LATE_MS = 200;

/** One broken cell (a row unmounting mid-tick, say) must not stop the others. */
function paint(cell: TickCell, now: number): void {
  try {
    cell(now);
  } catch (error) {
    console.error('[ticker] a timer cell failed', error);
  }
}

export const ticker = new Ticker();
