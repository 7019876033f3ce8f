/*
 * Work that follows what the rep just did, but must not hold up the frame that shows it: run
 * when the page is next idle (requestIdleCallback). Chromium starts an idle period only once a
 * frame it has to draw is committed, so this comes after that frame, and after whatever else
 * was queued behind it. It asks for no frame of its own (a requestAnimationFrame here would make
 * the scheduler hold other tasks back until that next frame).
 *
 *   const cancel = afterNextPaint(() => setDetail(next));
 */

type IdleScope = {
  requestIdleCallback?: (callback: () => void, options: { timeout: number }) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/** At most this long, even when the page never goes idle (or is hidden). */
const IDLE_TIMEOUT_MS = 150;

export function afterNextPaint(run: () => void): () => void {
  // Called on the global object: a detached window method throws "Illegal invocation".
  const scope = globalThis as IdleScope;
  if (scope.requestIdleCallback) {
    const handle = scope.requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
    return () => scope.cancelIdleCallback?.(handle);
  }
  const timer = setTimeout(run, 16);
  return () => clearTimeout(timer);
}
