import type { TeamRow } from '../db/schema';
import type { Db } from './db-types';

export async function insertTeam(db: Db, team: TeamRow): Promise<void> {
  await db.insertInto('teams').values(team).execute();
}

export function findTeamById(db: Db, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTeamByName(db: Db, name: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
}

export function listTeams(db: Db): Promise<TeamRow[]> {
  return db.selectFrom('teams').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** The team leads go to when no rule and no configured default names one. */
export function findOldestTeam(db: Db): Promise<TeamRow | undefined> {
  return db
    .selectFrom('teams')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}
