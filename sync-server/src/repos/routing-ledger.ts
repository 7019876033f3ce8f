import type { UserRow } from '../db/schema';
import { prepareQuery } from '../db/prepared';
import type { Db } from './db-types';

export interface LedgerEntry {
  readonly userId: string;
  readonly pass: number;
  readonly assignedCount: number;
}

/** What routing needs to know about a rep. */
export type RoutingRep = Pick<
  UserRow,
  'id' | 'name' | 'email' | 'weight' | 'capacity' | 'receiving_leads'
>;

/** An active rep of a team with their fairness ledger entry (null pass: never assigned here). */
export interface RoutingCandidate {
  readonly user: RoutingRep;
  readonly pass: number | null;
  readonly assignedCount: number;
  /** Inside an away period now: no leads, no offers. */
  readonly away: boolean;
}

const candidatesQuery = prepareQuery((db, p: { teamId: string; now: number }) =>
  db
    .selectFrom('users')
    .leftJoin('routing_ledger', (join) =>
      join
        .onRef('routing_ledger.user_id', '=', 'users.id')
        .on('routing_ledger.team_id', '=', p.teamId),
    )
    .select([
      'users.id',
      'users.name',
      'users.email',
      'users.weight',
      'users.capacity',
      'users.receiving_leads',
      'routing_ledger.pass',
      'routing_ledger.assigned_count',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('away_periods')
              .select('away_periods.id')
              .whereRef('away_periods.user_id', '=', 'users.id')
              .where('away_periods.ends_at', '>', p.now)
              .where('away_periods.starts_at', '<=', p.now)
              .where('away_periods.cancelled_at', 'is', null),
          )
          .as('away'),
    ])
    .where('users.team_id', '=', p.teamId)
    .where('users.role', '=', 'rep')
    .where('users.active', '=', 1),
);

/**
 * Active reps of a team, each with their ledger entry: one query. Unordered (a sort costs more
 * than the query here): the fair queue breaks ties by user id itself.
 */
export async function readRoutingCandidates(
  db: Db,
  teamId: string,
  now: number,
): Promise<RoutingCandidate[]> {
  const rows = await candidatesQuery.all(db, { teamId, now });
  return rows.map(({ pass, assigned_count, away, ...user }) => ({
    user,
    pass: pass === null ? null : Number(pass),
    assignedCount: Number(assigned_count ?? 0),
    away: Number(away) === 1,
  }));
}

const upsertLedgerQuery = prepareQuery(
  (db, p: { teamId: string; userId: string; pass: number; assignedCount: number }) =>
    db
      .insertInto('routing_ledger')
      .values({
        team_id: p.teamId,
        user_id: p.userId,
        pass: p.pass,
        assigned_count: p.assignedCount,
      })
      .onConflict((oc) =>
        oc
          .columns(['team_id', 'user_id'])
          .doUpdateSet({ pass: p.pass, assigned_count: p.assignedCount }),
      ),
);

/** One rep's ledger entry in a team, if routing has ever counted them there. */
export async function readLedgerEntry(
  db: Db,
  teamId: string,
  userId: string,
): Promise<LedgerEntry | undefined> {
  const row = await db
    .selectFrom('routing_ledger')
    .select(['pass', 'assigned_count'])
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && { userId, pass: Number(row.pass), assignedCount: Number(row.assigned_count) };
}

export async function writeLedgerEntry(db: Db, teamId: string, entry: LedgerEntry): Promise<void> {
  await upsertLedgerQuery.run(db, { teamId, ...entry });
}

const clockQuery = prepareQuery((db, p: { teamId: string }) =>
  db.selectFrom('routing_clock').select('virtual_time').where('team_id', '=', p.teamId),
);

export async function readVirtualTime(db: Db, teamId: string): Promise<number> {
  const row = await clockQuery.first(db, { teamId });
  return row ? Number(row.virtual_time) : 0;
}

const upsertClockQuery = prepareQuery((db, p: { teamId: string; virtualTime: number }) =>
  db
    .insertInto('routing_clock')
    .values({ team_id: p.teamId, virtual_time: p.virtualTime })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ virtual_time: p.virtualTime })),
);

export async function writeVirtualTime(db: Db, teamId: string, virtualTime: number): Promise<void> {
  await upsertClockQuery.run(db, { teamId, virtualTime });
}
