import { sql } from 'kysely';
import type { Db } from '../repos/db-types';
import type { Disposition } from '../../../src/shared/dispositions';
import {
  type MetricsLead,
  metricsLead,
  type MetricsLeadColumns,
  type MetricsOutcome,
} from './metrics-events';
import type { MetricsBreachRow, MetricsOutcomeRow, MetricsRepRow, MetricsRows } from './rebuild';

/*
 * The SQL behind the live board: the rows it is rebuilt from at start, and what one committed
 * lead event means for it. Reads only, on the reader connection (committed data).
 */

const DAY = 86_400_000;

/**
 * The current hold's first-touch deadline (its `alert_lead` step), run or not: a lead past it
 * and still untouched stays at risk, across a restart too. The latest, should the lead have come
 * back to a rep who held it before.
 */
const slaDue = sql<number | null>`(select d.due_at from lead_deadlines d
  where d.lead_id = l.id and d.user_id = l.assigned_to and d.kind = 'alert_lead'
  order by d.due_at desc limit 1)`;

/** These leads as the board sees them now, by id (missing or teamless ones left out). */
export async function readMetricsLeads(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, MetricsLead>> {
  const found = new Map<string, MetricsLead>();
  // Raw SQL: this runs after every commit, and building the query with the builder cost more
  // than running it (docs/benchmarks.md, "Live board").
  for (let i = 0; i < ids.length; i += 500) {
    const list = sql.join(ids.slice(i, i + 500));
    const rows = await sql<MetricsLeadColumns & { due_at: number | null }>`
      select l.id, l.team_id, l.tier, l.received_at, l.status, l.assigned_to, l.first_touch_at,
        ${slaDue} as due_at
      from leads l where l.id in (${list})
    `.execute(db);
    for (const row of rows.rows) {
      const lead = metricsLead(row, row.due_at ?? null);
      if (lead) found.set(lead.id, lead);
    }
  }
  return found;
}

/** These outcomes, by id, each with whether it was its lead's first. */
export async function readMetricsOutcomes(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, MetricsOutcome>> {
  const found = new Map<string, MetricsOutcome>();
  for (let i = 0; i < ids.length; i += 500) {
    const list = sql.join(ids.slice(i, i + 500));
    const rows = await sql<{
      id: string;
      user_id: string;
      disposition: Disposition;
      occurred_at: number;
      first_id: string;
    }>`
      select o.id, o.user_id, o.disposition, o.occurred_at,
        (select f.id from outcomes f where f.lead_id = o.lead_id
          order by f.recorded_at, f.id limit 1) as first_id
      from outcomes o where o.id in (${list})
    `.execute(db);
    for (const r of rows.rows) {
      found.set(r.id, {
        id: r.id,
        repId: r.user_id,
        disposition: r.disposition,
        occurredAt: Number(r.occurred_at),
        firstTouch: r.first_id === r.id,
      });
    }
  }
  return found;
}

/** The rep whose hold breached, for an `alert_lead` step that ran at `at` (not skipped). */
export async function readBreachRep(db: Db, leadId: string, at: number): Promise<string | null> {
  const row = await db
    .selectFrom('lead_deadlines')
    .select('user_id')
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'alert_lead')
    .where('done_at', '=', at)
    .where('result', 'not like', 'skipped%')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

export interface LeadEventRow {
  readonly seq: number;
  readonly leadId: string;
  readonly type: string;
  readonly at: number;
  readonly data: Record<string, unknown>;
}

/** Lead events committed after `afterSeq` (SQLite's rowid: commit order, the queue is serial). */
export async function readLeadEventsAfter(
  db: Db,
  afterSeq: number,
  limit: number,
): Promise<LeadEventRow[]> {
  const rows = await sql<{ seq: number; lead_id: string; type: string; at: number; data: string }>`
    select rowid as seq, lead_id, type, at, data from lead_events
    where rowid > ${afterSeq} order by rowid limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    seq: Number(r.seq),
    leadId: r.lead_id,
    type: r.type,
    at: Number(r.at),
    data: parseData(r.data),
  }));
}

export async function lastLeadEventSeq(db: Db): Promise<number> {
  const row = await sql<{ seq: number | null }>`select max(rowid) as seq from lead_events`.execute(
    db,
  );
  return Number(row.rows[0]?.seq ?? 0);
}

/** Every active rep on a team with their receiving switch and whether an away period runs. */
export async function readRepFacts(
  db: Db,
  isOnline: (userId: string) => boolean,
): Promise<MetricsRepRow[]> {
  const rows = await sql<{ id: string; team_id: string; receiving_leads: number; away: number }>`
    select u.id, u.team_id, u.receiving_leads,
      exists (select 1 from away_periods a where a.user_id = u.id and a.started_at is not null
        and a.ended_at is null and a.cancelled_at is null) as away
    from users u
    where u.role = 'rep' and u.active = 1 and u.team_id is not null
  `.execute(db);
  return rows.rows.map((r) => ({
    repId: r.id,
    teamId: r.team_id,
    connected: isOnline(r.id),
    receivingLeads: Number(r.receiving_leads) === 1,
    away: Number(r.away) === 1,
  }));
}

/** What the board is rebuilt from at start (see MetricsRows for what each part must hold). */
export async function readMetricsRows(
  db: Db,
  now: number,
  isOnline: (userId: string) => boolean,
): Promise<MetricsRows> {
  const leadRows = await db
    .selectFrom('leads as l')
    .select([
      'l.id',
      'l.team_id',
      'l.tier',
      'l.received_at',
      'l.status',
      'l.assigned_to',
      'l.first_touch_at',
      slaDue.as('due_at'),
    ])
    .where('l.team_id', 'is not', null)
    .where('l.status', 'in', ['unassigned', 'assigned', 'working', 'nurture'])
    .execute();
  const leads = leadRows.flatMap((r) => {
    const lead = metricsLead(r, r.due_at ?? null);
    return lead ? [lead] : [];
  });

  // Two days back covers "today" in any zone; each is counted only in its team's day.
  const since = now - 2 * DAY;
  const outcomeRows = await db
    .selectFrom('outcomes as o')
    .innerJoin('leads as l', 'l.id', 'o.lead_id')
    .select([
      'o.id',
      'o.lead_id',
      'o.user_id',
      'o.disposition',
      'o.occurred_at',
      'l.team_id',
      'l.received_at',
      sql<string>`(select f.id from outcomes f where f.lead_id = o.lead_id
        order by f.recorded_at, f.id limit 1)`.as('first_id'),
    ])
    .where('o.occurred_at', '>=', since)
    .where('l.team_id', 'is not', null)
    .execute();
  const outcomes: MetricsOutcomeRow[] = outcomeRows.flatMap((r) =>
    r.team_id === null
      ? []
      : [
          {
            id: r.id,
            leadId: r.lead_id,
            teamId: r.team_id,
            receivedAt: Number(r.received_at),
            repId: r.user_id,
            disposition: r.disposition,
            occurredAt: Number(r.occurred_at),
            firstTouch: r.first_id === r.id,
          },
        ],
  );

  const breachRows = await db
    .selectFrom('lead_deadlines as d')
    .innerJoin('leads as l', 'l.id', 'd.lead_id')
    .select(['d.lead_id', 'd.user_id', 'd.done_at', 'l.team_id'])
    .where('d.kind', '=', 'alert_lead')
    .where('d.done_at', '>=', since)
    .where('d.result', 'not like', 'skipped%')
    .where('l.team_id', 'is not', null)
    .execute();
  const breaches: MetricsBreachRow[] = breachRows.flatMap((r) =>
    r.team_id === null || r.done_at === null
      ? []
      : [{ leadId: r.lead_id, teamId: r.team_id, repId: r.user_id, at: Number(r.done_at) }],
  );

  return { leads, outcomes, breaches, reps: await readRepFacts(db, isOnline) };
}

function parseData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
