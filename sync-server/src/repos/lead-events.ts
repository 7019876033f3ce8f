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

export async function insertLeadEvent(
  db: Db,
  event: {
    leadId: string;
    type: string;
    at: number;
    actorId?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<void> {
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
