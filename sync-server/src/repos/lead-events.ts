import { uuidv7 } from '../../../src/shared/ids';
import type { LeadEventRow } from '../db/schema';
import type { Db } from './db-types';

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
  await db
    .insertInto('lead_events')
    .values({
      id: uuidv7(event.at),
      lead_id: event.leadId,
      type: event.type,
      at: event.at,
      actor_id: event.actorId ?? null,
      data: JSON.stringify(event.data ?? {}),
    })
    .execute();
}

export function listLeadEvents(db: Db, leadId: string): Promise<LeadEventRow[]> {
  return db
    .selectFrom('lead_events')
    .selectAll()
    .where('lead_id', '=', leadId)
    .orderBy('id')
    .execute();
}
