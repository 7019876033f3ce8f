import type { AppEvent, QueueCounts } from '../../shared/app-api';
import type { ClientCore } from '../client/client-core';
import type { OrderedQueue } from './ordered-queue';

export interface CountsReporterOptions {
  /** How long queue changes are gathered before one `queue.counts` event. */
  readonly debounceMs: number;
  /** The signed-in core, if any: counts of a core that closed meanwhile are not sent. */
  readonly current: () => ClientCore | null;
  /** The ordered queue (kept, in flight or ordered now): the counts come with it. */
  readonly ordered: (core: ClientCore) => Promise<OrderedQueue>;
  readonly emit: (event: AppEvent) => void;
}

/**
 * The `queue.counts` events (the tray's count and badge): one after a burst of queue changes,
 * and only when the counts moved.
 *
 *   const counts = new CountsReporter({ debounceMs: 250, current, ordered, emit });
 *   counts.now(core);   // at sign-in
 *   counts.soon();      // on every queue change
 */
export class CountsReporter {
  private timer: NodeJS.Timeout | null = null;
  private last: QueueCounts | null = null;

  constructor(private readonly o: CountsReporterOptions) {}

  /** One `queue.counts` after a burst of queue changes, and only when the counts moved. */
  soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const core = this.o.current();
      if (core) this.now(core);
    }, this.o.debounceMs);
  }

  /** Orders the queue (or takes the ordering in flight) and sends the counts if they moved. */
  now(core: ClientCore): void {
    this.o
      .ordered(core)
      .then(({ counts }) => {
        if (
          this.o.current() !== core ||
          (this.last?.total === counts.total && this.last.untouched === counts.untouched)
        ) {
          return;
        }
        this.last = counts;
        this.o.emit({ type: 'queue.counts', counts });
      })
      .catch((error: unknown) => {
        // Signed out while ordering: the database closed under it; nothing to count.
        if (this.o.current() === core) console.error('[app] could not count the queue', error);
      });
  }

  /** Signed out: the next sign-in's counts are sent whatever they are. */
  forget(): void {
    this.last = null;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
