import { type RawBuilder, sql } from 'kysely';
import type { Db } from './db-types';

/*
 * Leads as the sync protocol sends them (`{"type":"lead","lead":{...},"timeline":[...]}`), built
 * as JSON text by SQLite itself.
 *
 * A first sync is thousands of leads with their timelines. Reading them as rows, mapping each to
 * a Lead object (parsing its JSON columns) and serialising the page again cost the server about
 * 250 ms per 1,000 leads, most of it in JavaScript; SQLite's JSON functions build the same text
 * in about a fifth of that (docs/benchmarks.md). The mapping here must stay the same as
 * `toLead` and `toTimelineEntry`: same keys, same order, same values. test/integration/
 * lead-wire.test.ts compares the two on leads in every state.
 */

/**
 * Epoch ms (integer column) as `Date#toISOString` writes it, for any date SQLite can write (years
 * 0000-9999); NULL stays NULL.
 *
 * Integer arithmetic throughout (`ms / 1000.0` would round some milliseconds the wrong way), with
 * floored division: SQLite's `/` and `%` truncate toward zero, so for a date before 1970 they
 * gave the wrong second and a negative millisecond (`1970-01-01T00:00:00.-01Z` for -1 ms), a
 * change the app refused. The millisecond is `((ms % 1000) + 1000) % 1000`, in 0..999, and the
 * seconds `(ms - millisecond) / 1000`, an exact division.
 */
function iso(column: string): RawBuilder<string | null> {
  const c = sql.ref(column);
  const milli = sql`((${c} % 1000 + 1000) % 1000)`;
  return sql`strftime('%Y-%m-%dT%H:%M:%S', (${c} - ${milli}) / 1000, 'unixepoch') || printf('.%03dZ', ${milli})`;
}

/** `toLead(row)` of the `l` alias, as JSON text. */
const leadJson = sql<string>`json_object(
  'id', l.id,
  'source', l.source,
  'externalId', l.external_id,
  'name', l.name,
  'email', l.email,
  'phone', l.phone,
  'company', l.company,
  'title', l.title,
  'country', l.country,
  'region', l.region,
  'timezone', l.timezone,
  'message', l.message,
  'signals', json(l.signals),
  'fields', json(l.fields),
  'score', l.score,
  'tier', l.tier,
  'scoreReasons', json(l.score_reasons),
  'status', l.status,
  'teamId', l.team_id,
  'assignedTo', l.assigned_to,
  'assignedAt', ${iso('l.assigned_at')},
  'receivedAt', ${iso('l.received_at')},
  'firstTouchAt', ${iso('l.first_touch_at')},
  'seenAt', ${iso('l.seen_at')},
  'attempts', l.attempts,
  'lastAttemptAt', ${iso('l.last_attempt_at')},
  'lastDisposition', l.last_disposition,
  'callbackAt', ${iso('l.callback_at')},
  'createdAt', ${iso('l.created_at')},
  'updatedAt', ${iso('l.updated_at')},
  'inquiries', l.inquiries,
  'lastInquiryAt', ${iso('l.last_inquiry_at')},
  'nextAttemptAt', ${iso('l.next_attempt_at')},
  'closeReason', l.close_reason,
  'offer', case when l.offered_at is null then null else json_object(
    'offeredAt', ${iso('l.offered_at')},
    'expiresAt', ${iso('l.offer_expires_at')}
  ) end
)`;

/** The lead's events, oldest first (as `listLeadEvents` orders them), each as `toTimelineEntry` maps it. */
const timelineJson = sql<string>`coalesce((
  select json_group_array(json_object(
    'id', e.id,
    'type', e.type,
    'at', ${iso('e.at')},
    'actorId', e.actor_id,
    'data', json(e.data)
  ) order by e.at, e.id)
  from lead_events e where e.lead_id = l.id
), '[]')`;

const changeJson = sql<string>`json_object('type', 'lead', 'lead', ${leadJson}, 'timeline', ${timelineJson})`;

export interface WireLead {
  readonly id: string;
  readonly assignedTo: string | null;
  /** The whole sync change, as JSON text. */
  readonly change: string;
}

/**
 * A page of a rep's first sync: their open leads, the recently closed ones and the leads offered
 * to them now (claim mode), by id.
 */
export async function listSnapshotWire(
  db: Db,
  userId: string,
  afterId: string,
  closedSince: number,
  limit: number,
): Promise<WireLead[]> {
  const held = await listHeldSnapshotWire(db, userId, afterId, closedSince, limit);
  const offered = await listOfferedSnapshotWire(db, userId, afterId, limit);
  if (offered.length === 0) return held;
  // Two queries merged by id, so the held leads keep their index walk (leads_assignee_id).
  return [...held, ...offered].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, limit);
}

async function listOfferedSnapshotWire(
  db: Db,
  userId: string,
  afterId: string,
  limit: number,
): Promise<WireLead[]> {
  const rows = await db
    .selectFrom('lead_offers as o')
    .innerJoin('leads as l', 'l.id', 'o.lead_id')
    .select(['l.id', 'l.assigned_to', changeJson.as('change')])
    .where('o.user_id', '=', userId)
    .where('o.status', '=', 'open')
    .where('o.lead_id', '>', afterId)
    .orderBy('o.lead_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, assignedTo: r.assigned_to, change: r.change }));
}

async function listHeldSnapshotWire(
  db: Db,
  userId: string,
  afterId: string,
  closedSince: number,
  limit: number,
): Promise<WireLead[]> {
  const rows = await db
    .selectFrom('leads as l')
    .select(['l.id', 'l.assigned_to', changeJson.as('change')])
    .where('l.assigned_to', '=', userId)
    .where('l.id', '>', afterId)
    .where((eb) =>
      eb.or([eb('l.status', 'in', ['assigned', 'working']), eb('l.updated_at', '>=', closedSince)]),
    )
    .orderBy('l.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, assignedTo: r.assigned_to, change: r.change }));
}

/** These leads as sync changes (any order; missing ids are left out). */
export async function findWireByIds(db: Db, ids: readonly string[]): Promise<WireLead[]> {
  const found: WireLead[] = [];
  // Under SQLite's bound-parameter limit, whatever the page size.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('leads as l')
      .select(['l.id', 'l.assigned_to', changeJson.as('change')])
      .where('l.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) found.push({ id: r.id, assignedTo: r.assigned_to, change: r.change });
  }
  return found;
}
