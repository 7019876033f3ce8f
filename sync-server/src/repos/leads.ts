import type { LeadStatus } from '../../../src/shared/lead';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, LeadRow, LeadsTable, NewLeadRow } from '../db/schema';
import type { Db } from './db-types';

/** Which leads a caller may see: an admin all, a team lead their team's, a rep their own. */
export type LeadScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'team'; readonly teamId: string | null }
  | { readonly kind: 'assignee'; readonly userId: string };

export async function insertLead(db: Db, lead: NewLeadRow): Promise<void> {
  await db.insertInto('leads').values(lead).execute();
}

export function findLeadById(db: Db, id: string): Promise<LeadRow | undefined> {
  return db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLeadBySourceExternalId(
  db: Db,
  source: string,
  externalId: string,
): Promise<LeadRow | undefined> {
  return db
    .selectFrom('leads')
    .selectAll()
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
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
  /** Exclusive: leads with a smaller (older) id than this one. */
  readonly beforeId?: string;
  readonly limit: number;
}

/** Newest first; ids are time-ordered, so `id` is both the order and the cursor. */
export function listLeads(db: Db, scope: LeadScope, filter: LeadListFilter): Promise<LeadRow[]> {
  let q = applyScope(db.selectFrom('leads').selectAll(), scope);
  if (filter.statuses && filter.statuses.length > 0)
    q = q.where('status', 'in', [...filter.statuses]);
  if (filter.assignedTo !== undefined) q = q.where('assigned_to', '=', filter.assignedTo);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return q.orderBy('id', 'desc').limit(filter.limit).execute();
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
      return q.where('assigned_to', '=', scope.userId);
  }
}

/** Untouched leads (assigned, no first touch) held by each of `userIds`. */
export async function untouchedCounts(
  db: Db,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (userIds.length === 0) return counts;
  const rows = await db
    .selectFrom('leads')
    .select(['assigned_to', (eb) => eb.fn.countAll<number>().as('n')])
    .where('assigned_to', 'in', [...userIds])
    .where('status', '=', 'assigned')
    .groupBy('assigned_to')
    .execute();
  for (const r of rows) if (r.assigned_to) counts.set(r.assigned_to, Number(r.n));
  return counts;
}

/** Leads waiting for a rep in `teamId` (or without a team), hottest and oldest first. */
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
