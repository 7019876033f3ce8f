import { uuidv7 } from '../../../src/shared/ids';
import type { DeadlineKind, EscalationStep, LeadDeadlinesTable } from '../db/schema';
import type { Db } from './db-types';

/*
 * Repository functions for lead_deadlines (the SLA ladder's steps and callback alerts); each
 * takes the reader, the writer or a transaction.
 */

export type DeadlineRow = LeadDeadlinesTable;

export async function insertDeadlines(
  db: Db,
  leadId: string,
  userId: string,
  steps: readonly { readonly step: EscalationStep; readonly at: number }[],
): Promise<void> {
  if (steps.length === 0) return;
  await db
    .insertInto('lead_deadlines')
    .values(
      steps.map((s) => ({
        id: uuidv7(),
        lead_id: leadId,
        kind: s.step,
        user_id: userId,
        due_at: s.at,
        done_at: null,
        result: null,
      })),
    )
    .execute();
}

/** One deadline of any kind (a callback falling due). */
export async function insertDeadline(
  db: Db,
  leadId: string,
  userId: string,
  kind: DeadlineKind,
  at: number,
): Promise<void> {
  await db
    .insertInto('lead_deadlines')
    .values({
      id: uuidv7(),
      lead_id: leadId,
      kind,
      user_id: userId,
      due_at: at,
      done_at: null,
      result: null,
    })
    .execute();
}

/** Ends a lead's open deadlines of one kind (a callback moved to another time). */
export async function closeOpenDeadlinesOfKind(
  db: Db,
  leadId: string,
  kind: DeadlineKind,
  result: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('lead_deadlines')
    .set({ done_at: now, result })
    .where('lead_id', '=', leadId)
    .where('kind', '=', kind)
    .where('done_at', 'is', null)
    .execute();
}

/** Ends a lead's open steps (it was touched, moved, closed): they will not run. */
export async function closeOpenDeadlines(
  db: Db,
  leadId: string,
  result: string,
  now: number,
): Promise<number> {
  const res = await db
    .updateTable('lead_deadlines')
    .set({ done_at: now, result })
    .where('lead_id', '=', leadId)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** The earliest open deadline, epoch ms, or null. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('lead_deadlines')
    .select('due_at')
    .where('done_at', 'is', null)
    .orderBy('due_at')
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.due_at) : null;
}

export async function dueDeadlines(db: Db, now: number, limit: number): Promise<DeadlineRow[]> {
  return db
    .selectFrom('lead_deadlines')
    .selectAll()
    .where('done_at', 'is', null)
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .execute();
}

/** Marks one deadline done; false when it already was (it ran, or the lead moved on). */
export async function markDeadlineDone(
  db: Db,
  id: string,
  result: string,
  now: number,
): Promise<boolean> {
  const res = await db
    .updateTable('lead_deadlines')
    .set({ done_at: now, result })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export function listLeadDeadlines(db: Db, leadId: string): Promise<DeadlineRow[]> {
  return db
    .selectFrom('lead_deadlines')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('due_at')
    .orderBy('id')
    .execute();
}

/** Records what running a deadline did (it was marked done first, in the same transaction). */
export async function setDeadlineResult(db: Db, id: string, result: string): Promise<void> {
  await db.updateTable('lead_deadlines').set({ result }).where('id', '=', id).execute();
}
