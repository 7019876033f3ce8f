import type { Selectable } from 'kysely';
import { prepareQuery } from '../db/prepared';
import type { LeadOffersTable, OfferStatus } from '../db/schema';
import type { Db } from './db-types';

/* Claim-mode offers: who a lead is offered to, and what became of each offer. */

export type LeadOfferRow = Selectable<LeadOffersTable>;

export async function insertOffers(
  db: Db,
  leadId: string,
  userIds: readonly string[],
  at: number,
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto('lead_offers')
    .values(
      userIds.map((userId) => ({
        lead_id: leadId,
        user_id: userId,
        offered_at: at,
        status: 'open' as const,
        ended_at: null,
      })),
    )
    .execute();
}

const latestOfferQuery = prepareQuery((db, p: { leadId: string; userId: string }) =>
  db
    .selectFrom('lead_offers')
    .selectAll()
    .where('lead_id', '=', p.leadId)
    .where('user_id', '=', p.userId)
    .orderBy('offered_at', 'desc')
    .limit(1),
);

/** The rep's latest offer of the lead, if it was ever offered to them. */
export function latestOffer(
  db: Db,
  leadId: string,
  userId: string,
): Promise<LeadOfferRow | undefined> {
  return latestOfferQuery.first(db, { leadId, userId });
}

/** Users with an open offer of the lead. */
export async function openOfferUsers(db: Db, leadId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lead_offers')
    .select('user_id')
    .where('lead_id', '=', leadId)
    .where('status', '=', 'open')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * Ends the lead's open offers with `status` (the claimer's own offer is set apart by the caller
 * first) and returns whose ended.
 */
export async function endOpenOffers(
  db: Db,
  leadId: string,
  status: Exclude<OfferStatus, 'open'>,
  now: number,
): Promise<string[]> {
  const users = await openOfferUsers(db, leadId);
  if (users.length === 0) return [];
  await db
    .updateTable('lead_offers')
    .set({ status, ended_at: now })
    .where('lead_id', '=', leadId)
    .where('status', '=', 'open')
    .execute();
  return users;
}

/** Ends one rep's open offer of a lead; false when it was not open. */
export async function endOffer(
  db: Db,
  leadId: string,
  userId: string,
  status: Exclude<OfferStatus, 'open'>,
  now: number,
): Promise<boolean> {
  const res = await db
    .updateTable('lead_offers')
    .set({ status, ended_at: now })
    .where('lead_id', '=', leadId)
    .where('user_id', '=', userId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The leads offered to `userId` now (open offers). */
export async function openOfferLeadIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lead_offers')
    .select('lead_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'open')
    .orderBy('lead_id')
    .execute();
  return rows.map((r) => r.lead_id);
}

/** Which of `leadIds` are offered to `userId` now (a pull page checks the leads it sends). */
export async function openOffersAmong(
  db: Db,
  userId: string,
  leadIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  // Under SQLite's bound-parameter limit, whatever the page size.
  for (let i = 0; i < leadIds.length; i += 500) {
    const rows = await db
      .selectFrom('lead_offers')
      .select('lead_id')
      .where('user_id', '=', userId)
      .where('status', '=', 'open')
      .where('lead_id', 'in', leadIds.slice(i, i + 500))
      .execute();
    for (const r of rows) found.add(r.lead_id);
  }
  return found;
}

/** Leads whose offer has expired at `now`, earliest first. */
export async function expiredOfferLeadIds(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('leads')
    .select('id')
    .where('offer_expires_at', 'is not', null)
    .where('offer_expires_at', '<=', now)
    .orderBy('offer_expires_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** When the next offer expires, epoch ms, or null. */
export async function nextOfferExpiry(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('leads')
    .select('offer_expires_at')
    .where('offer_expires_at', 'is not', null)
    .orderBy('offer_expires_at')
    .limit(1)
    .executeTakeFirst();
  return row?.offer_expires_at == null ? null : Number(row.offer_expires_at);
}
