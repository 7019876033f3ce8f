import {
  readBoardLeads,
  readBreachFacts,
  readOpenBoardLeads,
  readOutcomeFacts,
  readOutcomesById,
  readRepFacts,
} from '../repos/board-reads';
import type { Db } from '../repos/db-types';
import { type MetricsLead, metricsLead, type MetricsOutcome } from './metrics-events';
import type { MetricsRepRow, MetricsRows } from './rebuild';

/*
 * The live board's rows, read through repos/board-reads.ts (the SQL) and put in the engine's
 * terms: what it is rebuilt from at start, and what one committed lead event means for it.
 */

const DAY = 86_400_000;

/** These leads as the board sees them now, by id (missing or teamless ones left out). */
export async function readMetricsLeads(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, MetricsLead>> {
  const found = new Map<string, MetricsLead>();
  for (const row of await readBoardLeads(db, ids)) {
    const lead = metricsLead(row, row.due_at ?? null);
    if (lead) found.set(lead.id, lead);
  }
  return found;
}

/** These outcomes, by id, each with whether it was its lead's first. */
export async function readMetricsOutcomes(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, MetricsOutcome>> {
  const found = new Map<string, MetricsOutcome>();
  for (const [id, o] of await readOutcomesById(db, ids)) {
    found.set(id, {
      id: o.id,
      repId: o.repId,
      disposition: o.disposition,
      occurredAt: o.occurredAt,
      firstTouch: o.firstTouch,
    });
  }
  return found;
}

/** Every active rep on a team with their presence facts now. */
export async function readRepPresence(
  db: Db,
  isOnline: (userId: string) => boolean,
): Promise<MetricsRepRow[]> {
  return (await readRepFacts(db)).map((r) => ({
    repId: r.repId,
    teamId: r.teamId,
    connected: isOnline(r.repId),
    receivingLeads: r.receivingLeads,
    away: r.away,
  }));
}

/** What the board is rebuilt from at start (see MetricsRows for what each part must hold). */
export async function readMetricsRows(
  db: Db,
  now: number,
  isOnline: (userId: string) => boolean,
): Promise<MetricsRows> {
  const leads = (await readOpenBoardLeads(db)).flatMap((r) => {
    const lead = metricsLead(r, r.due_at ?? null);
    return lead ? [lead] : [];
  });
  // Two days back covers "today" in any zone; each is counted only in its team's day.
  const since = now - 2 * DAY;
  const outcomes = await readOutcomeFacts(db, { since });
  const breaches = await readBreachFacts(db, { since });
  return { leads, outcomes, breaches, reps: await readRepPresence(db, isOnline) };
}
