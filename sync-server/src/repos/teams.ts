import type { TeamAssignment } from '../../../src/shared/user';
import type { NewTeamRow, TeamRow } from '../db/schema';
import type { Db } from './db-types';
import { prepareQuery } from '../db/prepared';

export async function insertTeam(db: Db, team: NewTeamRow): Promise<void> {
  await db.insertInto('teams').values(team).execute();
}

export async function updateTeamAssignment(
  db: Db,
  id: string,
  assignment: TeamAssignment,
): Promise<void> {
  await db.updateTable('teams').set({ assignment }).where('id', '=', id).execute();
}

export function findTeamById(db: Db, id: string): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

const teamAssignmentQuery = prepareQuery((db, p: { teamId: string }) =>
  db.selectFrom('teams').select('assignment').where('id', '=', p.teamId),
);

/** How the team's new leads find a rep (fair or claim); undefined for an unknown team. */
export async function findTeamAssignment(
  db: Db,
  teamId: string,
): Promise<TeamAssignment | undefined> {
  return (await teamAssignmentQuery.first(db, { teamId }))?.assignment;
}

const teamByNameQuery = prepareQuery((db, p: { name: string }) =>
  db.selectFrom('teams').selectAll().where('name', '=', p.name),
);

export function findTeamByName(db: Db, name: string): Promise<TeamRow | undefined> {
  return teamByNameQuery.first(db, { name });
}

export function listTeams(db: Db): Promise<TeamRow[]> {
  return db.selectFrom('teams').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** The team leads go to when no rule and no configured default names one. */
export function findOldestTeam(db: Db): Promise<TeamRow | undefined> {
  return oldestTeamQuery.first(db, {});
}

const oldestTeamQuery = prepareQuery((db) =>
  db.selectFrom('teams').selectAll().orderBy('created_at').orderBy('id').limit(1),
);
