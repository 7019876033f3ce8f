import { uuidv7 } from '../../../src/shared/ids';
import type { LeadEventRow } from '../db/schema';
import type { Db } from './db-types';
import { prepareQuery } from '../db/prepared';

const insertEventQuery = prepareQuery((db, p: LeadEventRow) =>
  db.insertInto('lead_events').values({
    id: p.id,
    lead_id: p.lead_id,
    type: p.type,
    at: p.at,
    actor_id: p.actor_id,
    data: p.data,
  }),
);

/** One entry of a lead's timeline, as it is written. */
export interface NewLeadEvent {
  readonly leadId: string;
  readonly type: string;
  readonly at: number;
  readonly actorId?: string | null;
  readonly data?: Record<string, unknown>;
}

export async function insertLeadEvent(db: Db, event: NewLeadEvent): Promise<void> {
  await insertEventQuery.run(db, {
    id: uuidv7(),
    lead_id: event.leadId,
    type: event.type,
    at: event.at,
    actor_id: event.actorId ?? null,
    data: JSON.stringify(event.data ?? {}),
  });
}

/**
 * A lead's timeline, oldest first: by `at`, the id breaking ties (events of one write share a
 * millisecond; their ids keep the order they were written in). Never by id alone: an id says
 * when the row was written, `at` when the event happened.
 */
export function listLeadEvents(db: Db, leadId: string): Promise<LeadEventRow[]> {
  return db
    .selectFrom('lead_events')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** A lead's events of one type, oldest first (by id: the order they were written in). */
export function listLeadEventsOfType(
  db: Db,
  leadId: string,
  type: string,
): Promise<Pick<LeadEventRow, 'id' | 'at' | 'data'>[]> {
  return db
    .selectFrom('lead_events')
    .select(['id', 'at', 'data'])
    .where('lead_id', '=', leadId)
    .where('type', '=', type)
    .orderBy('id')
    .execute();
}

/** Replaces an event's type and data in place (it keeps its id and time: a fold). */
export async function rewriteLeadEvent(
  db: Db,
  id: string,
  type: string,
  data: string,
): Promise<void> {
  await db.updateTable('lead_events').set({ type, data }).where('id', '=', id).execute();
}

export async function deleteLeadEvents(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('lead_events').where('id', 'in', ids).execute();
}
