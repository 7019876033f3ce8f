import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * Group commit. Every write of the server goes through `run`: writes that arrive while a commit
 * is in progress are gathered into the next transaction, each inside its own savepoint, and the
 * whole batch is committed with one fsync. A failing write rolls back to its savepoint and
 * rejects alone; the others commit. A write's promise settles only after the commit is durable,
 * so callers answer 2xx after `await run(...)` and never before.
 *
 *   const lead = await writes.run(async ({ trx, afterCommit }) => {
 *     const row = await insertLead(trx, input);
 *     afterCommit(() => live.sendToUser(row.assigned_to, ...)); // runs once durable
 *     return row;
 *   });
 *
 * Work functions must only touch the database: slow non-database work (password hashing, HTTP
 * calls) belongs before `run`, or it holds up every write in the batch.
 */
export interface WriteContext {
  readonly trx: Transaction<Database>;
  /** Runs `fn` after the batch commits (never if it fails). For live pushes and cache updates. */
  readonly afterCommit: (fn: () => void) => void;
}

type Work<T> = (ctx: WriteContext) => Promise<T>;

interface Pending {
  readonly work: Work<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly hooks: readonly (() => void)[] }
  | { readonly ok: false; readonly error: unknown };

export class WriteQueueClosedError extends Error {
  constructor() {
    super('the server is shutting down');
  }
}

export interface WriteQueueOptions {
  /** Most writes per transaction; bounds the time one batch holds the database. */
  readonly maxBatch?: number;
  readonly onHookError?: (error: unknown) => void;
}

export class WriteQueue {
  private readonly pending: Pending[] = [];
  private readonly maxBatch: number;
  private scheduled = false;
  private flushing = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Committed transactions and writes, for benchmarks and the health endpoint. */
  readonly stats = { batches: 0, writes: 0 };
  private readonly committedListeners: (() => void)[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: WriteQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
  }

  /**
   * Called after every batch commits, after its writes' own hooks: for readers of what was just
   * written (the live board reads the new lead events). Never called for a failed batch.
   */
  onCommitted(listener: () => void): void {
    this.committedListeners.push(listener);
  }

  run<T>(work: Work<T>): Promise<T> {
    if (this.closed) return Promise.reject(new WriteQueueClosedError());
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Stops taking writes and waits for those already taken to commit. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.flushing && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets every request already read from sockets join the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        await this.commitBatch(this.pending.splice(0, this.maxBatch));
      }
    } finally {
      this.flushing = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async commitBatch(batch: readonly Pending[]): Promise<void> {
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      for (const item of batch) outcomes.push(await this.runOne(trx, item));
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const item of batch) item.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.writes += batch.length;
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (!outcome) return item.reject(new Error('write outcome missing'));
      if (!outcome.ok) return item.reject(outcome.error);
      for (const hook of outcome.hooks) {
        try {
          hook();
        } catch (error) {
          this.options.onHookError?.(error);
        }
      }
      item.resolve(outcome.value);
    });
    for (const listener of this.committedListeners) {
      try {
        listener();
      } catch (error) {
        this.options.onHookError?.(error);
      }
    }
  }

  /** Runs one write in a savepoint; a failure undoes only this write. Throws only if SQL fails. */
  private async runOne(trx: ControlledTransaction<Database>, item: Pending): Promise<Outcome> {
    const hooks: (() => void)[] = [];
    const sp = await trx.savepoint('w').execute();
    try {
      const value = await item.work({ trx: sp, afterCommit: (fn) => void hooks.push(fn) });
      await sp.releaseSavepoint('w').execute();
      return { ok: true, value, hooks };
    } catch (error) {
      const rolled = await sp.rollbackToSavepoint('w').execute();
      await rolled.releaseSavepoint('w').execute();
      return { ok: false, error };
    }
  }
}
