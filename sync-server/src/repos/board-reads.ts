import { sql } from 'kysely';
import type { Disposition } from '../../../src/shared/dispositions';
import type { LeadStatus, LeadTier } from '../../../src/shared/lead';
import type { Db } from './db-types';

/*
 * The SQL behind the board's figures: the live board's rebuild at start and its tail after each
 * commit (metrics/board-feed.ts), and the figures per day (metrics/history.ts). Reads only, on
 * the reader connection (committed data). Rows come back as plain facts; what they mean for the
 * board is decided in metrics/ (docs/metrics.md).
 */

/**
 * A lead's first touch is its first *recorded* outcome (earliest `recorded_at`, then id). The
 * one definition, used by every read below (the live board and history agree because of it).
 */
const firstOutcomeId = sql<string>`(select f.id from outcomes f where f.lead_id = o.lead_id
  order by f.recorded_at, f.id limit 1)`;

/**
 * The current hold's first-touch deadline (its `alert_lead` step), run or not: a lead past it
 * and still untouched stays at risk, across a restart too. The latest, should the lead have come
 * back to a rep who held it before.
 */
const slaDue = sql<number | null>`(select d.due_at from lead_deadlines d
  where d.lead_id = l.id and d.user_id = l.assigned_to and d.kind = 'alert_lead'
  order by d.due_at desc limit 1)`;

/** The columns of a `leads` row the board reads, with its current hold's first-touch deadline. */
export interface BoardLeadColumns {
  readonly id: string;
  readonly team_id: string | null;
  readonly tier: LeadTier;
  readonly received_at: number;
  readonly status: LeadStatus;
  readonly assigned_to: string | null;
  readonly first_touch_at: number | null;
  readonly due_at: number | null;
}

/** These leads as they are now (ids of unknown leads are left out). */
export async function readBoardLeads(db: Db, ids: readonly string[]): Promise<BoardLeadColumns[]> {
  const found: BoardLeadColumns[] = [];
  // Raw SQL: this runs after every commit, and building the query with the builder cost more
  // than running it (docs/benchmarks.md, "Live board").
  for (let i = 0; i < ids.length; i += 500) {
    const list = sql.join(ids.slice(i, i + 500));
    const rows = await sql<BoardLeadColumns>`
      select l.id, l.team_id, l.tier, l.received_at, l.status, l.assigned_to, l.first_touch_at,
        ${slaDue} as due_at
      from leads l where l.id in (${list})
    `.execute(db);
    found.push(...rows.rows);
  }
  return found;
}

/** Every lead with a team that is open, waiting or in nurture: what a board holds. */
export function readOpenBoardLeads(db: Db): Promise<BoardLeadColumns[]> {
  return db
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
}

/** An outcome as the figures count it. */
export interface OutcomeFact {
  readonly id: string;
  readonly leadId: string;
  /** Who logged it (`outcomes.user_id`). */
  readonly repId: string;
  readonly disposition: Disposition;
  /** The call's time, epoch ms. */
  readonly occurredAt: number;
  /** The lead's first recorded outcome: its first touch. */
  readonly firstTouch: boolean;
}

/** An outcome of a lead with a team, with what speed-to-lead needs. */
export interface TeamOutcomeFact extends OutcomeFact {
  readonly teamId: string;
  /** The lead's `received_at`, epoch ms. */
  readonly receivedAt: number;
}

/** These outcomes, by id (unknown ids left out). */
export async function readOutcomesById(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, OutcomeFact>> {
  const found = new Map<string, OutcomeFact>();
  for (let i = 0; i < ids.length; i += 500) {
    const list = sql.join(ids.slice(i, i + 500));
    const rows = await sql<{
      id: string;
      lead_id: string;
      user_id: string;
      disposition: Disposition;
      occurred_at: number;
      first_id: string;
    }>`
      select o.id, o.lead_id, o.user_id, o.disposition, o.occurred_at,
        ${firstOutcomeId} as first_id
      from outcomes o where o.id in (${list})
    `.execute(db);
    for (const r of rows.rows) {
      found.set(r.id, {
        id: r.id,
        leadId: r.lead_id,
        repId: r.user_id,
        disposition: r.disposition,
        occurredAt: Number(r.occurred_at),
        firstTouch: r.first_id === r.id,
      });
    }
  }
  return found;
}

/**
 * A window of time, epoch ms (`until` excluded), and optionally the teams whose leads count
 * (else every lead with a team).
 */
export interface FactWindow {
  readonly since: number;
  readonly until?: number;
  readonly teamIds?: readonly string[];
}

/** Outcomes of teams' leads whose call happened in `window`. */
export async function readOutcomeFacts(db: Db, window: FactWindow): Promise<TeamOutcomeFact[]> {
  if (window.teamIds?.length === 0) return [];
  let query = db
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
      firstOutcomeId.as('first_id'),
    ])
    .where('o.occurred_at', '>=', window.since);
  if (window.until !== undefined) query = query.where('o.occurred_at', '<', window.until);
  query = window.teamIds
    ? query.where(notIndexed('l.team_id'), 'in', [...window.teamIds])
    : query.where('l.team_id', 'is not', null);
  const rows = await query.execute();
  return rows.flatMap((r) =>
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
}

/** A breach: an `alert_lead` step that ran and was not skipped, for the deadline's rep. */
export interface BreachFact {
  readonly leadId: string;
  readonly teamId: string;
  readonly repId: string;
  /** When the step ran (`done_at`), epoch ms. */
  readonly at: number;
}

/** Breaches of teams' leads that ran in `window`. */
export async function readBreachFacts(db: Db, window: FactWindow): Promise<BreachFact[]> {
  if (window.teamIds?.length === 0) return [];
  let query = db
    .selectFrom('lead_deadlines as d')
    .innerJoin('leads as l', 'l.id', 'd.lead_id')
    .select(['d.lead_id', 'd.user_id', 'd.done_at', 'l.team_id'])
    .where('d.kind', '=', 'alert_lead')
    .where('d.done_at', '>=', window.since);
  if (window.until !== undefined) query = query.where('d.done_at', '<', window.until);
  query = query.where('d.result', 'not like', 'skipped%');
  query = window.teamIds
    ? query.where(notIndexed('l.team_id'), 'in', [...window.teamIds])
    : query.where('l.team_id', 'is not', null);
  const rows = await query.execute();
  return rows.flatMap((r) =>
    r.team_id === null || r.done_at === null
      ? []
      : [{ leadId: r.lead_id, teamId: r.team_id, repId: r.user_id, at: Number(r.done_at) }],
  );
}

/**
 * `+column`: SQLite uses no index for the term. Without statistics the planner would start from
 * the team's leads (every lead the team ever had) and look up each one's outcomes; the range on
 * the time index is what bounds the read (db/migrations/0010-metrics-history.ts).
 */
function notIndexed(column: 'l.team_id') {
  return sql<string>`+${sql.ref(column)}`;
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

/** A committed lead event, in commit order. */
export interface CommittedLeadEvent {
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
): Promise<CommittedLeadEvent[]> {
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

/** An active rep on a team: their receiving switch, and whether an away period runs. */
export interface RepFacts {
  readonly repId: string;
  readonly teamId: string;
  readonly receivingLeads: boolean;
  readonly away: boolean;
}

/** Every active rep on a team, with their receiving switch and whether an away period runs. */
export async function readRepFacts(db: Db): Promise<RepFacts[]> {
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
    receivingLeads: Number(r.receiving_leads) === 1,
    away: Number(r.away) === 1,
  }));
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
