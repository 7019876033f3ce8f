import { sql } from 'kysely';
import { preparedQueries } from '../../shared/db/prepared-query';
import type { Lead } from '../../shared/lead';
import type { TimelineEntry } from '../../shared/sync-protocol';
import { CLOSED_STATUSES, leadSearchKey, OPEN_STATUSES, phoneDigits } from './history';
import type { LocalDatabase, LocalExecutor, LocalLeadsTable } from './schema';
import { STATE_KEYS } from './state-store';

/*
 * The leads the client holds: the server's copy of each and its timeline, revocations, history
 * pruning, and the reads the queue and search are made of. Each function takes the database or
 * a transaction.
 */

const prepareQuery = preparedQueries<LocalDatabase>();

/**
 * Stores the server's copy of a lead. A copy older than the stored one is ignored (a live message
 * overtaken by a pull); `timeline` null keeps the stored timeline (live messages carry none).
 * Returns true when the lead is new to this client.
 */
export async function putServerLead(
  db: LocalExecutor,
  lead: Lead,
  timeline: readonly TimelineEntry[] | null,
): Promise<boolean> {
  const updatedAt = Date.parse(lead.updatedAt);
  const stored = await db
    .selectFrom('leads')
    .select(['server_updated_at', 'timeline'])
    .where('id', '=', lead.id)
    .executeTakeFirst();
  if (stored && Number(stored.server_updated_at) > updatedAt) return false;
  const row: LocalLeadsTable = {
    id: lead.id,
    lead: JSON.stringify(lead),
    timeline: timeline ? JSON.stringify(timeline) : (stored?.timeline ?? '[]'),
    status: lead.status,
    server_updated_at: updatedAt,
    revoked_reason: null,
    revoked_at: null,
    notified_at: null,
    search_key: leadSearchKey(lead),
    phone_digits: phoneDigits(lead.phone),
    received_at: Date.parse(lead.receivedAt),
  };
  if (!stored) {
    await db.insertInto('leads').values(row).execute();
    return true;
  }
  // notified_at is left as it is: a lead updated by a pull was already announced (or not).
  await db
    .updateTable('leads')
    .set({
      lead: row.lead,
      timeline: row.timeline,
      status: row.status,
      server_updated_at: row.server_updated_at,
      revoked_reason: null,
      revoked_at: null,
      search_key: row.search_key,
      phone_digits: row.phone_digits,
      received_at: row.received_at,
    })
    .where('id', '=', lead.id)
    .execute();
  return false;
}

type ServerCopy = {
  id: string;
  lead: string;
  timeline: string;
  status: string;
  updatedAt: number;
  searchKey: string;
  phoneDigits: string;
  receivedAt: number;
};

/** Stores a lead this client does not hold yet; changes nothing (0 rows) when it does. */
const insertLeadQuery = prepareQuery((db, p: ServerCopy) =>
  db
    .insertInto('leads')
    .values({
      id: p.id,
      lead: p.lead,
      timeline: p.timeline,
      status: p.status as Lead['status'],
      server_updated_at: p.updatedAt,
      revoked_reason: null,
      revoked_at: null,
      notified_at: null,
      search_key: p.searchKey,
      phone_digits: p.phoneDigits,
      received_at: p.receivedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing()),
);

/**
 * Replaces the stored copy unless it is newer; a server copy clears a revocation (the lead is
 * this rep's again). notified_at is kept: the lead was already announced (or not).
 */
const updateLeadQuery = prepareQuery((db, p: ServerCopy) =>
  db
    .updateTable('leads')
    .set({
      lead: p.lead,
      timeline: p.timeline,
      status: p.status as Lead['status'],
      server_updated_at: p.updatedAt,
      revoked_reason: null,
      revoked_at: null,
      search_key: p.searchKey,
      phone_digits: p.phoneDigits,
      received_at: p.receivedAt,
    })
    .where('id', '=', p.id)
    .where('server_updated_at', '<=', p.updatedAt),
);

/**
 * Stores the server's copies of these leads (a pull page); returns the ids that were not in the
 * database before. Prepared statements, one or two per row: a first sync writes 10,000 rows, and
 * building a multi-row upsert through Kysely for each page cost more than the writes themselves
 * (docs/benchmarks.md). A new lead is one insert; a known one an insert that changes nothing,
 * then the update.
 */
export async function putServerLeads(
  db: LocalExecutor,
  items: readonly { lead: Lead; timeline: readonly TimelineEntry[] }[],
): Promise<Set<string>> {
  const fresh = new Set<string>();
  for (const { lead, timeline } of items) {
    const copy: ServerCopy = {
      id: lead.id,
      lead: JSON.stringify(lead),
      timeline: JSON.stringify(timeline),
      status: lead.status,
      updatedAt: Date.parse(lead.updatedAt),
      searchKey: leadSearchKey(lead),
      phoneDigits: phoneDigits(lead.phone),
      receivedAt: Date.parse(lead.receivedAt),
    };
    if ((await insertLeadQuery.run(db, copy)) === 1) fresh.add(lead.id);
    else await updateLeadQuery.run(db, copy);
  }
  return fresh;
}

/** The lead left this rep: it leaves the queue, and the reason stays to be shown. */
export async function revokeLead(db: LocalExecutor, leadId: string, reason: string, at: number) {
  await db
    .updateTable('leads')
    .set({ revoked_reason: reason, revoked_at: at })
    .where('id', '=', leadId)
    .execute();
}

export async function markNotified(db: LocalExecutor, leadIds: readonly string[], at: number) {
  if (leadIds.length === 0) return;
  await db
    .updateTable('leads')
    .set({ notified_at: at })
    .where('id', 'in', [...leadIds])
    .execute();
}

export async function listLocalLeads(db: LocalExecutor) {
  return db.selectFrom('leads').selectAll().execute();
}

/**
 * What tells whether a lead changed, without reading the lead itself: the lengths come from
 * SQLite's record headers, so this never touches the (large) JSON.
 */
function leadKeys(db: LocalExecutor) {
  return db
    .selectFrom('leads')
    .select((eb) => [
      'id',
      'server_updated_at',
      'revoked_at',
      eb.fn<number>('octet_length', ['lead']).as('lead_length'),
      eb.fn<number>('octet_length', ['timeline']).as('timeline_length'),
    ]);
}

export type LeadKeyRow = Awaited<ReturnType<typeof listLocalLeadKeys>>[number];

/** The change keys of every lead, history included (see listOpenLeadKeys for the queue's). */
export async function listLocalLeadKeys(db: LocalExecutor) {
  return leadKeys(db).execute();
}

/**
 * The change keys of the queue's leads: open and still this rep's. Read through the
 * `(status, server_updated_at)` index, so closed history is never stepped through: the queue
 * costs the same with 50,000 closed leads kept as with none (test/integration/
 * client-history.test.ts counts SQLite's steps).
 */
export async function listOpenLeadKeys(db: LocalExecutor) {
  return leadKeys(db)
    .where('status', 'in', [...OPEN_STATUSES])
    .where('revoked_at', 'is', null)
    .execute();
}

/** The change keys of these leads (by primary key; missing ids are left out). */
export async function listLeadKeysByIds(db: LocalExecutor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return leadKeys(db)
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * Deletes history older than `cutoff` (epoch ms): closed leads the server last changed before
 * it, and leads that left this rep before it. Never a lead an outbox row (sent or not), the open
 * call or an undismissed rejection refers to: those still have to be shown as they are. Found by
 * index (status and age, revocation time), so with nothing to delete it reads nothing. Returns
 * how many leads it deleted.
 */
export async function pruneHistory(db: LocalExecutor, cutoff: number): Promise<number> {
  const notInUse = sql<boolean>`id not in (
    select json_extract(args, '$.leadId') from outbox
      where json_extract(args, '$.leadId') is not null
    union select json_extract(args, '$.leadId') from rejected
      where dismissed = 0 and json_extract(args, '$.leadId') is not null
    union select json_extract(value, '$.leadId') from sync_state
      where key = ${STATE_KEYS.openCall} and json_valid(value)
        and json_extract(value, '$.leadId') is not null
  )`;
  const closed = await db
    .deleteFrom('leads')
    .where('status', 'in', [...CLOSED_STATUSES])
    .where('server_updated_at', '<', cutoff)
    .where(notInUse)
    .executeTakeFirst();
  const revoked = await db
    .deleteFrom('leads')
    .where('revoked_at', '<', cutoff)
    .where(notInUse)
    .executeTakeFirst();
  return Number(closed.numDeletedRows) + Number(revoked.numDeletedRows);
}

/**
 * Leads (not revoked) whose folded name, company or email holds `needle`, or whose phone holds
 * `digits` (3 or more), newest first: ids only. Reads the short search columns, not the JSON.
 */
export async function searchLocalLeadIds(
  db: LocalExecutor,
  needle: string,
  digits: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('leads')
    .select('id')
    .where('revoked_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb(eb.fn('instr', ['search_key', eb.val(needle)]), '>', 0),
        ...(digits.length >= 3
          ? [eb(eb.fn('instr', ['phone_digits', eb.val(digits)]), '>', 0)]
          : []),
      ]),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The stored lead JSON of `ids`, with the timeline only for those in `withTimeline`. */
export async function findLocalLeadBodies(
  db: LocalExecutor,
  ids: readonly string[],
  withTimeline: ReadonlySet<string>,
) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('leads')
    .select((eb) => [
      'id',
      'lead',
      'revoked_reason',
      'revoked_at',
      eb
        .case()
        .when('id', 'in', withTimeline.size > 0 ? [...withTimeline] : [''])
        .then(eb.ref('timeline'))
        .else(null)
        .end()
        .as('timeline'),
    ])
    .where('id', 'in', [...ids])
    .execute();
}

export async function findLocalLead(db: LocalExecutor, id: string) {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
}
