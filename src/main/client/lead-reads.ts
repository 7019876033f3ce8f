import type { Kysely } from 'kysely';
import type { LocalLead, LocalTimelineEntry, QueueItem } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import type { Playbook } from '../../shared/playbook';
import { orderQueue, type PriorityOptions } from '../../shared/priority';
import { searchKey } from './history';
import { leadIdOf, overlay, type PendingMutation } from './overlay';
import type { LocalDatabase } from './schema';
import {
  findLocalLead,
  findLocalLeadBodies,
  type LeadKeyRow,
  listLeadKeysByIds,
  listLocalLeadKeys,
  listOpenLeadKeys,
  searchLocalLeadIds,
} from './lead-store';
import { allPending } from './outbox-store';

/** A lead as the rep sees it, without its timeline (lead.get has that). */
export interface LeadSummary {
  readonly lead: Lead;
  readonly pending: number;
  readonly revoked: LocalLead['revoked'];
}

export interface LeadReadsOptions {
  readonly db: Kysely<LocalDatabase>;
  /** The playbook pending outcomes are laid over with (their next step). */
  readonly playbook: () => Playbook;
  /** The queue's ordering options (one object per playbook: see priority.ts). */
  readonly priority: () => PriorityOptions;
}

/**
 * What the rep sees of their leads: the queue in priority order, the list, search and one
 * lead, each the server's copy with the outbox laid over it (overlay.ts). Reads are cached per
 * lead by change key and run one after another (see `summaries`).
 *
 *   const queue = await reads.getQueue(now);
 *   reads.forget();   // the playbook changed: views laid over with the old rules go
 */
export class LeadReads {
  private readonly summaryCache = new Map<string, { key: string; summary: LeadSummary }>();
  /** Lead objects an ordering has prepared (prepareInSlices). */
  private readonly preparedLeads = new WeakSet<Lead>();
  /** The read of every lead in progress, if any: reads run one after another (summaries). */
  private reading: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: LeadReadsOptions) {}

  /** Views laid over with the old rules (a pending outcome's next step) are made again. */
  forget(): void {
    this.summaryCache.clear();
  }

  /** Resolves once a read in flight has finished (or failed): the database may then close. */
  async settled(): Promise<void> {
    await this.reading.catch(() => undefined);
  }

  /** The rep's queue in priority order (revoked and finished leads are not in it). */
  async getQueue(now: number): Promise<QueueItem[]> {
    const views = await this.summaries('queue');
    const byId = new Map(views.filter((v) => v.revoked === null).map((v) => [v.lead.id, v]));
    const leads = [...byId.values()].map((v) => v.lead);
    await this.prepareInSlices(leads, now);
    const order = orderQueue(leads, now, this.o.priority());
    return order.rows.flatMap((row) => {
      const view = byId.get(row.id);
      return view ? [{ lead: view.lead, row, pending: view.pending }] : [];
    });
  }

  /**
   * The ordering remembers per lead object what does not depend on the time (dates parsed, the
   * zone found, often from the phone number, the place on the retry ladder; priority.ts). Leads
   * it has not seen, thousands at a first read, are ordered a slice at a time first, yielding in
   * between, so that work never holds the event loop in one piece (the order itself comes from
   * the one ordering of all of them that follows).
   */
  private async prepareInSlices(leads: readonly Lead[], now: number): Promise<void> {
    const fresh = leads.filter((lead) => !this.preparedLeads.has(lead));
    if (fresh.length > ORDER_SLICE) {
      for (let i = 0; i < fresh.length; i += ORDER_SLICE) {
        orderQueue(fresh.slice(i, i + ORDER_SLICE), now, this.o.priority());
        await yieldToEventLoop();
      }
    }
    for (const lead of fresh) this.preparedLeads.add(lead);
  }

  /**
   * Every lead this client holds (including revoked ones, with why), as the rep sees them,
   * without timelines (getLead has the whole lead).
   */
  listLeads(): Promise<LeadSummary[]> {
    return this.summaries('all');
  }

  /**
   * Leads this app holds (open, and history within the window; not revoked) whose name, company
   * or email holds `query` (accents and case aside), or whose phone holds its digits (3 or more),
   * newest first. Found in SQL on short folded columns: the history is never parsed for it.
   * Older history is on the server only (docs/sync-protocol.md, "History").
   */
  async searchLeads(query: string, limit: number): Promise<LeadSummary[]> {
    const db = this.o.db;
    const ids = await searchLocalLeadIds(db, searchKey(query), query.replace(/\D/g, ''), limit);
    if (ids.length === 0) return [];
    const byLead = pendingByLead(await allPending(db));
    const rows = await findLocalLeadBodies(db, ids, new Set(ids.filter((id) => byLead.has(id))));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.summaryOf(row, byLead.get(id) ?? [])] : [];
    });
  }

  async getLead(id: string): Promise<LocalLead | null> {
    const row = await findLocalLead(this.o.db, id);
    if (!row) return null;
    const pending = (await allPending(this.o.db)).filter((m) => leadIdOf(m) === id);
    const timeline = JSON.parse(row.timeline) as LocalTimelineEntry[];
    const view = overlay(JSON.parse(row.lead) as Lead, timeline, pending, this.o.playbook());
    return {
      lead: view.lead,
      timeline: view.timeline,
      pending: view.pending,
      revoked: revokedOf(row),
    };
  }

  private summaryOf(
    row: {
      lead: string;
      timeline: string | null;
      revoked_reason: string | null;
      revoked_at: number | null;
    },
    pending: PendingMutation[],
  ): LeadSummary {
    const timeline =
      row.timeline === null ? [] : (JSON.parse(row.timeline) as LocalTimelineEntry[]);
    const view = overlay(JSON.parse(row.lead) as Lead, timeline, pending, this.o.playbook());
    return { lead: view.lead, pending: view.pending, revoked: revokedOf(row) };
  }

  /**
   * Every lead as the rep sees it, without timelines: the queue and search read only this. A
   * read costs one narrow query (ids and change keys) plus the rows that changed since the last
   * one; unchanged leads are the same objects as before (the priority code remembers work per
   * lead object). Timelines are parsed only where a pending change needs them (overlay.ts).
   *
   * A first read parses every lead (5,000 leads: ~100 ms of synchronous SQLite and JSON.parse),
   * so it yields to the event loop between batches: a request as small as session.get is not
   * kept waiting behind it. Reads run one after another, so two callers never parse the same
   * leads twice.
   */
  private summaries(scope: 'queue' | 'all'): Promise<LeadSummary[]> {
    const run = this.reading.then(() => this.readSummaries(scope));
    this.reading = run.catch(() => undefined);
    return run;
  }

  /**
   * The change keys of what `scope` covers. The queue: the open leads (by index: closed history
   * is never read) and any lead an outbox row is laid over (its pending change may reopen it).
   */
  private async leadKeys(
    scope: 'queue' | 'all',
    byLead: ReadonlyMap<string, PendingMutation[]>,
  ): Promise<LeadKeyRow[]> {
    if (scope === 'all') return listLocalLeadKeys(this.o.db);
    const open = await listOpenLeadKeys(this.o.db);
    const have = new Set(open.map((r) => r.id));
    const more = [...byLead.keys()].filter((id) => !have.has(id));
    return more.length === 0 ? open : [...open, ...(await listLeadKeysByIds(this.o.db, more))];
  }

  private async readSummaries(scope: 'queue' | 'all'): Promise<LeadSummary[]> {
    const byLead = pendingByLead(await allPending(this.o.db));
    const keys = await this.leadKeys(scope, byLead);
    const out: (LeadSummary | null)[] = [];
    const misses: { index: number; id: string; key: string; pending: PendingMutation[] }[] = [];
    const seen = new Set<string>();
    for (const row of keys) {
      seen.add(row.id);
      const pendingHere = byLead.get(row.id) ?? [];
      const key = `${row.server_updated_at}|${row.lead_length}|${row.timeline_length}|${row.revoked_at ?? ''}|${pendingHere.map((m) => `${m.mutationId}${m.acked ? 'a' : ''}`).join(',')}`;
      const cached = this.summaryCache.get(row.id);
      if (cached?.key === key) {
        out.push(cached.summary);
      } else {
        misses.push({ index: out.length, id: row.id, key, pending: pendingHere });
        out.push(null);
      }
    }
    for (let i = 0; i < misses.length; i += MISS_BATCH) {
      if (misses.length > MISS_BATCH) await yieldToEventLoop();
      const batch = misses.slice(i, i + MISS_BATCH);
      const rows = new Map(
        (
          await findLocalLeadBodies(
            this.o.db,
            batch.map((m) => m.id),
            new Set(batch.filter((m) => m.pending.length > 0).map((m) => m.id)),
          )
        ).map((r) => [r.id, r]),
      );
      for (const miss of batch) {
        const row = rows.get(miss.id);
        if (!row) continue; // deleted between the two reads: gone from this answer too
        const summary = this.summaryOf(row, miss.pending);
        // The cache holds the queue's leads only: history read for a whole list is not kept.
        if (scope === 'queue') this.summaryCache.set(miss.id, { key: miss.key, summary });
        out[miss.index] = summary;
      }
    }
    if (scope === 'queue') {
      for (const id of this.summaryCache.keys()) if (!seen.has(id)) this.summaryCache.delete(id);
    }
    return out.filter((v): v is LeadSummary => v !== null);
  }
}

/** The outbox rows laid over each lead, by lead id. */
function pendingByLead(pending: readonly PendingMutation[]): Map<string, PendingMutation[]> {
  const byLead = new Map<string, PendingMutation[]>();
  for (const m of pending) {
    const id = leadIdOf(m);
    if (!id) continue;
    const list = byLead.get(id);
    if (list) list.push(m);
    else byLead.set(id, [m]);
  }
  return byLead;
}

/** Rows read per query when many leads changed at once (a first sync, a first read). */
const MISS_BATCH = 100;
/** Leads prepared per slice before a first ordering (prepareInSlices). */
const ORDER_SLICE = 200;

/**
 * Lets timers and I/O (a socket's next request, an answer from the server) run before going
 * on. better-sqlite3 is synchronous, so a chain of awaited queries is a chain of microtasks that
 * never gives the event loop a turn; setImmediate does (after I/O, before the next timers).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function revokedOf(row: {
  revoked_reason: string | null;
  revoked_at: number | null;
}): LocalLead['revoked'] {
  return row.revoked_reason === null
    ? null
    : { reason: row.revoked_reason, at: new Date(Number(row.revoked_at ?? 0)).toISOString() };
}
