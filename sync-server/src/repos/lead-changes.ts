import type { LeadChangeRow } from '../db/schema';
import { prepareQuery } from '../db/prepared';
import type { Db } from './db-types';

/*
 * The change log that pulls read (docs/sync-protocol.md). A row is appended in the same
 * transaction as the change it describes, for each user whose view it changes; the sequence
 * number is the pull cursor. Rows are small and never updated.
 */

const insertChangeQuery = prepareQuery(
  (
    db,
    p: {
      leadId: string;
      userId: string;
      kind: 'upsert' | 'revoke';
      reason: string | null;
      at: number;
    },
  ) =>
    db.insertInto('lead_changes').values({
      lead_id: p.leadId,
      user_id: p.userId,
      kind: p.kind,
      reason: p.reason,
      at: p.at,
    }),
);

/** `userId` should see the lead as it is now (assigned to them, or changed while theirs). */
export async function recordLeadUpsert(
  db: Db,
  leadId: string,
  userId: string,
  at: number,
): Promise<void> {
  await insertChangeQuery.run(db, { leadId, userId, kind: 'upsert', reason: null, at });
}

/** The reason that marks an upsert as an offer (claim mode): shown, not given. */
export const OFFER_CHANGE_REASON = 'offer';

/**
 * `userId` should see the lead as an offer (claim mode): it is in their view, but not theirs. The
 * row is told apart from an assignment's by its reason, so `userEverHeld` does not count it.
 */
export async function recordLeadOffer(
  db: Db,
  leadId: string,
  userId: string,
  at: number,
): Promise<void> {
  await insertChangeQuery.run(db, {
    leadId,
    userId,
    kind: 'upsert',
    reason: OFFER_CHANGE_REASON,
    at,
  });
}

/** The lead left `userId` (reassigned, released), with the reason their client shows. */
export async function recordLeadRevoke(
  db: Db,
  leadId: string,
  userId: string,
  reason: string,
  at: number,
): Promise<void> {
  await insertChangeQuery.run(db, { leadId, userId, kind: 'revoke', reason, at });
}

const changesSinceQuery = prepareQuery(
  (db, p: { userId: string; afterSeq: number; limit: number }) =>
    db
      .selectFrom('lead_changes')
      .selectAll()
      .where('user_id', '=', p.userId)
      .where('seq', '>', p.afterSeq)
      .orderBy('seq')
      .limit(p.limit),
);

export function listChangesSince(
  db: Db,
  userId: string,
  afterSeq: number,
  limit: number,
): Promise<LeadChangeRow[]> {
  return changesSinceQuery.all(db, { userId, afterSeq, limit });
}

const headSeqQuery = prepareQuery((db) =>
  db.selectFrom('lead_changes').select((eb) => eb.fn.max('seq').as('seq')),
);

/** The newest sequence number (0 for an empty log). */
export async function headSeq(db: Db): Promise<number> {
  const row = await headSeqQuery.first(db, {});
  return Number(row?.seq ?? 0);
}

const everHeldQuery = prepareQuery((db, p: { leadId: string; userId: string }) =>
  db
    .selectFrom('lead_changes')
    .select('seq')
    .where('lead_id', '=', p.leadId)
    .where('user_id', '=', p.userId)
    .where('kind', '=', 'upsert')
    // Offers show a lead without giving it; every revoke follows an upsert of the same user.
    .where((eb) => eb.or([eb('reason', 'is', null), eb('reason', '!=', OFFER_CHANGE_REASON)]))
    .limit(1),
);

/**
 * True when the lead was ever assigned to `userId` (an offer they did not claim does not count).
 */
export async function userEverHeld(db: Db, leadId: string, userId: string): Promise<boolean> {
  return (await everHeldQuery.first(db, { leadId, userId })) !== undefined;
}

const lastRevokeQuery = prepareQuery((db, p: { leadId: string; userId: string }) =>
  db
    .selectFrom('lead_changes')
    .select('reason')
    .where('lead_id', '=', p.leadId)
    .where('user_id', '=', p.userId)
    .where('kind', '=', 'revoke')
    .orderBy('seq', 'desc')
    .limit(1),
);

/** Why the lead last left `userId` (as their client was told), or null if it never did. */
export async function lastRevokeReason(
  db: Db,
  leadId: string,
  userId: string,
): Promise<string | null> {
  return (await lastRevokeQuery.first(db, { leadId, userId }))?.reason ?? null;
}
