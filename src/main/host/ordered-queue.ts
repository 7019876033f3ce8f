import type { AppQueueItem, QueueCounts, QueueLead } from '../../shared/app-api';
import type { QueueItem } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import { plainRow } from '../../shared/priority';
import type { ClientCore } from '../client/client-core';

/*
 * The rep's queue as the page reads it: ordered once by the client core, kept for a few seconds,
 * and shaped for the page one window at a time (the page asks for ~160 rows of 5,000).
 */

export interface OrderedQueue {
  readonly at: number;
  /** The client core's ordering: the leads and their rows. */
  readonly items: readonly QueueItem[];
  /**
   * The same, shaped for the page (plain row with its reason line, the lead's row fields), made
   * the first time a window holds them: the page asks for ~160 of 5,000.
   */
  readonly shaped: (AppQueueItem | undefined)[];
  readonly index: ReadonlyMap<string, number>;
  readonly counts: QueueCounts;
}

/** How long an ordered queue is served before it is ordered again for the clock. */
const REORDER_MS = 5_000;

/**
 * The whole queue, ordered and shaped for the page, kept until the queue changes (`drop`) or it
 * is REORDER_MS old (the order moves with time: leads age, retries fall due). Windows of it are
 * sliced per request, so a page asking for its screen never costs a re-order of 5,000 leads.
 *
 *   const queue = new QueueOrdering(clock, (core) => core === current);
 *   const ordered = await queue.get(core);       // kept, in flight, or ordered now
 *   queue.drop();                                // on every queue change
 */
export class QueueOrdering {
  private ordered: OrderedQueue | null = null;
  private ordering: Promise<OrderedQueue> | null = null;

  constructor(
    private readonly clock: () => number,
    /** Whether `core` is still the signed-in one: an ordering of a closed core is not kept. */
    private readonly isCurrent: (core: ClientCore) => boolean,
  ) {}

  get(core: ClientCore): Promise<OrderedQueue> {
    const now = this.clock();
    const kept = this.ordered;
    if (kept && now - kept.at < REORDER_MS && kept.at <= now) return Promise.resolve(kept);
    return this.ordering ?? this.keep(core, orderQueueOf(core, now));
  }

  /** Serves `ordering` to the queue's requests, and keeps it unless a change overtakes it. */
  keep(core: ClientCore, ordering: Promise<OrderedQueue>): Promise<OrderedQueue> {
    const pending = ordering
      .then((ordered) => {
        // A change that arrived while ordering made this answer stale: serve it, keep nothing.
        if (this.isCurrent(core) && this.ordering === pending) this.ordered = ordered;
        return ordered;
      })
      .finally(() => {
        if (this.ordering === pending) this.ordering = null;
      });
    // Its takers see a failure (queue.get answers it); unawaited it is no unhandled rejection.
    pending.catch(() => undefined);
    this.ordering = pending;
    return pending;
  }

  /**
   * The queue changed (or the core closed): also drops an ordering in flight, which may have
   * read the queue before the change.
   */
  drop(): void {
    this.ordered = null;
    this.ordering = null;
  }
}

/** The queue in priority order at `now`, rows shaped for the page only when asked (shapedAt). */
export async function orderQueueOf(core: ClientCore, now: number): Promise<OrderedQueue> {
  const items = await core.getQueue(now);
  return {
    at: now,
    items,
    shaped: new Array<AppQueueItem | undefined>(items.length),
    index: new Map(items.map((item, i) => [item.lead.id, i])),
    counts: countsOf(items),
  };
}

export function shapedAt(queue: OrderedQueue, index: number): AppQueueItem {
  const known = queue.shaped[index];
  if (known) return known;
  const item = queue.items[index];
  if (!item) throw new RangeError(`the queue has no row ${index}`);
  // The rows' fields are computed when read, from what the ordering saw: the same now as then.
  const shaped: AppQueueItem = {
    lead: queueLead(item.lead),
    pending: item.pending,
    row: plainRow(item.row),
  };
  queue.shaped[index] = shaped;
  return shaped;
}

/** The lead fields a queue row shows (search answers with the same). */
export function queueLead(l: Lead): QueueLead {
  return {
    id: l.id,
    name: l.name,
    company: l.company,
    title: l.title,
    email: l.email,
    phone: l.phone,
    country: l.country,
    timezone: l.timezone,
    source: l.source,
    tier: l.tier,
    score: l.score,
    status: l.status,
    receivedAt: l.receivedAt,
    firstTouchAt: l.firstTouchAt,
    seenAt: l.seenAt,
    attempts: l.attempts,
    lastDisposition: l.lastDisposition,
    callbackAt: l.callbackAt,
  };
}

function countsOf(items: readonly { readonly lead: Pick<Lead, 'firstTouchAt'> }[]): QueueCounts {
  let untouched = 0;
  for (const item of items) if (item.lead.firstTouchAt === null) untouched += 1;
  return { total: items.length, untouched };
}
