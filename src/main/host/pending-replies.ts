/**
 * Requests sent to another process and waiting for their answer, by id. Each has a deadline: when
 * the other side never answers (it hung, it died, it dropped the message), the waiter gets
 * `onTimeout(id)` instead of waiting forever. The promise never rejects.
 *
 *   const pending = new PendingReplies<Result>(30_000, () => ({ ok: false, error }));
 *   const { id, reply } = pending.open();
 *   child.postMessage({ kind: 'request', id, ... });
 *   // on the answer:  pending.settle(message.id, message.result);
 */
export class PendingReplies<T> {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { readonly resolve: (value: T) => void; readonly timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (id: number) => T,
  ) {}

  open(): { readonly id: number; readonly reply: Promise<T> } {
    const id = this.nextId;
    this.nextId += 1;
    const reply = new Promise<T>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(this.onTimeout(id));
      }, this.timeoutMs);
      // A request nobody answers must not keep a process alive on its own.
      timer.unref();
      this.waiting.set(id, { resolve, timer });
    });
    return { id, reply };
  }

  /** False when nothing waits for `id` (answered already, timed out, or never asked). */
  settle(id: number, value: T): boolean {
    const waiter = this.waiting.get(id);
    if (!waiter) return false;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
    return true;
  }

  /** Answers everything still waiting, e.g. when the other process died. */
  settleAll(value: (id: number) => T): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, value(id));
  }

  get size(): number {
    return this.waiting.size;
  }
}
