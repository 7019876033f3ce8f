import type { LeadRow } from '../db/schema';
import type { Db } from './db-types';

/**
 * The leads a rep's queue is ordered from, as their app holds them: those they hold (assigned,
 * working) and those offered to them now (claim mode), in no particular order (the caller
 * orders them with `orderQueue`). Unbounded on purpose: an order over a part of the queue would
 * not be the rep's order, and the rep's own app holds all of these too.
 */
export function listRepQueueLeads(db: Db, repId: string): Promise<LeadRow[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('assigned_to', '=', repId), eb('status', 'in', ['assigned', 'working'])]),
        eb.and([
          eb('status', '=', 'unassigned'),
          eb(
            'id',
            'in',
            eb
              .selectFrom('lead_offers')
              .select('lead_offers.lead_id')
              .where('lead_offers.user_id', '=', repId)
              .where('lead_offers.status', '=', 'open'),
          ),
        ]),
      ]),
    )
    .execute();
}
