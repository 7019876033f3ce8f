import type { Timers } from '../../src/main/client/notifier';

/**
 * A clock and timers that move only when the test says so: `advance(ms)` runs every timer that
 * falls due, in order, synchronously. Pass `clock` and the object itself where code takes them.
 */
export class ManualTimers implements Timers {
  private now = 0;
  private pending: { readonly at: number; readonly seq: number; readonly fn: () => void }[] = [];
  private seq = 0;

  readonly clock = (): number => this.now;

  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.now + Math.max(0, ms), seq: this.seq++, fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((e) => e !== entry);
    };
  }

  /** Timers set and not yet run or cancelled. */
  get scheduled(): number {
    return this.pending.length;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.pending
        .filter((e) => e.at <= until)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((e) => e !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = until;
  }
}
