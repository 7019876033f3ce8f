import type { LeadStatus } from '../../../src/shared/lead';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, LeadRow, LeadsTable } from '../db/schema';
import { prepareQuery } from '../db/prepared';
import type { Db } from './db-types';

/**
 * Which leads a caller may see: an admin all, a team lead their team's, a rep their own (and, in
 * claim mode, those offered to them now).
 */
export type LeadScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'team'; readonly teamId: string | null }
  | { readonly kind: 'assignee'; readonly userId: string };

const insertLeadQuery = prepareQuery((db, p: LeadRow) =>
  db.insertInto('leads').values({
    id: p.id,
    source: p.source,
    external_id: p.external_id,
    name: p.name,
    email: p.email,
    phone: p.phone,
    company: p.company,
    title: p.title,
    country: p.country,
    region: p.region,
    timezone: p.timezone,
    message: p.message,
    signals: p.signals,
    fields: p.fields,
    score: p.score,
    tier: p.tier,
    score_reasons: p.score_reasons,
    status: p.status,
    team_id: p.team_id,
    routing_rule: p.routing_rule,
    assigned_to: p.assigned_to,
    assigned_at: p.assigned_at,
    received_at: p.received_at,
    first_touch_at: p.first_touch_at,
    seen_at: p.seen_at,
    attempts: p.attempts,
    last_attempt_at: p.last_attempt_at,
    last_disposition: p.last_disposition,
    callback_at: p.callback_at,
    created_at: p.created_at,
    updated_at: p.updated_at,
    email_key: p.email_key,
    phone_key: p.phone_key,
    inquiries: p.inquiries,
    last_inquiry_at: p.last_inquiry_at,
    next_attempt_at: p.next_attempt_at,
    close_reason: p.close_reason,
    offered_at: p.offered_at,
    offer_expires_at: p.offer_expires_at,
  }),
);

/** Inserts a complete lead row (every column given: the hot path of intake). */
export async function insertLead(db: Db, lead: LeadRow): Promise<void> {
  await insertLeadQuery.run(db, lead);
}

const leadByIdQuery = prepareQuery((db, p: { id: string }) =>
  db.selectFrom('leads').selectAll().where('id', '=', p.id),
);

export function findLeadById(db: Db, id: string): Promise<LeadRow | undefined> {
  return leadByIdQuery.first(db, { id });
}

const leadBySourceExternalIdQuery = prepareQuery((db, p: { source: string; externalId: string }) =>
  db
    .selectFrom('leads')
    .selectAll()
    .where('source', '=', p.source)
    .where('external_id', '=', p.externalId),
);

export function findLeadBySourceExternalId(
  db: Db,
  source: string,
  externalId: string,
): Promise<LeadRow | undefined> {
  return leadBySourceExternalIdQuery.first(db, { source, externalId });
}

export async function updateLead(
  db: Db,
  id: string,
  patch: Partial<Omit<LeadsTable, 'id' | 'created_at'>> & { updated_at: number },
): Promise<void> {
  await db.updateTable('leads').set(patch).where('id', '=', id).execute();
}

export async function findVisibleLead(
  db: Db,
  scope: LeadScope,
  id: string,
): Promise<LeadRow | undefined> {
  let q = db.selectFrom('leads').selectAll().where('id', '=', id);
  q = applyScope(q, scope);
  return q.executeTakeFirst();
}

export interface LeadListFilter {
  readonly statuses?: readonly LeadStatus[];
  readonly assignedTo?: string;
  /** Exclusive: the leads after this one in the list's order (older, or as old with a smaller id). */
  readonly beforeId?: string;
  readonly limit: number;
}

/**
 * Newest first: by `created_at`, the id breaking ties. An id only roughly tells when a lead was
 * made (ids never take a chosen time, and a clock may step back), so it is the tie-break and the
 * cursor, never the order. `beforeId` continues after that lead: `(created_at, id)` below its own.
 */
export function listLeads(db: Db, scope: LeadScope, filter: LeadListFilter): Promise<LeadRow[]> {
  let q = applyScope(db.selectFrom('leads').selectAll(), scope);
  if (filter.statuses && filter.statuses.length > 0)
    q = q.where('status', 'in', [...filter.statuses]);
  if (filter.assignedTo !== undefined) q = q.where('assigned_to', '=', filter.assignedTo);
  const before = filter.beforeId;
  if (before !== undefined) {
    // A cursor naming no lead gives an empty page (the comparison with NULL is never true).
    q = q.where((eb) =>
      eb(
        eb.refTuple('created_at', 'id'),
        '<',
        eb.tuple(
          eb
            .selectFrom('leads as anchor')
            .select('anchor.created_at')
            .where('anchor.id', '=', before),
          before,
        ),
      ),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

type LeadQuery = SelectQueryBuilder<Database, 'leads', LeadRow>;

function applyScope(q: LeadQuery, scope: LeadScope): LeadQuery {
  switch (scope.kind) {
    case 'all':
      return q;
    case 'team':
      // A team lead without a team sees nothing.
      return scope.teamId === null
        ? q.where((eb) => eb.lit(false))
        : q.where('team_id', '=', scope.teamId);
    case 'assignee':
      return q.where((eb) =>
        eb.or([
          eb('assigned_to', '=', scope.userId),
          eb(
            'id',
            'in',
            eb
              .selectFrom('lead_offers')
              .select('lead_offers.lead_id')
              .where('lead_offers.user_id', '=', scope.userId)
              .where('lead_offers.status', '=', 'open'),
          ),
        ]),
      );
  }
}

const heldUntouchedQuery = prepareQuery((db, p: { userId: string }) =>
  db.selectFrom('rep_untouched').select('n').where('user_id', '=', p.userId),
);

/**
 * Untouched leads (assigned, no first touch yet) that `userId` holds: one row of the count the
 * database keeps (triggers on `leads`, migration 0013), whatever the rep holds.
 */
export async function countHeldUntouched(db: Db, userId: string): Promise<number> {
  const row = await heldUntouchedQuery.first(db, { userId });
  return Number(row?.n ?? 0);
}

/**
 * Leads waiting for a rep in `teamId` (or without a team), hottest and oldest first. A lead on
 * offer (claim mode) is not waiting: its offer runs until claimed or expired.
 */
export function waitingLeads(
  db: Db,
  teamId: string,
  includeTeamless: boolean,
  limit: number,
): Promise<LeadRow[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('status', '=', 'unassigned')
    .where('offered_at', 'is', null)
    .where((eb) =>
      includeTeamless
        ? eb.or([eb('team_id', '=', teamId), eb('team_id', 'is', null)])
        : eb('team_id', '=', teamId),
    )
    .orderBy('score', 'desc')
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The open leads (assigned, working) `userId` holds, hottest and oldest first. */
export function listOpenLeadsHeldBy(db: Db, userId: string): Promise<LeadRow[]> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('assigned_to', '=', userId)
    .where('status', 'in', ['assigned', 'working'])
    .orderBy('score', 'desc')
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}

/**
 * The lead this person (by normalised email or phone key) last asked through, if that was at or
 * after `since` (epoch ms): a repeat inquiry joins it.
 */
export function findLatestInquiryLead(
  db: Db,
  column: 'email_key' | 'phone_key',
  key: string,
  since: number,
): Promise<LeadRow | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where(column, '=', key)
    .where('last_inquiry_at', '>=', since)
    .orderBy('last_inquiry_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
