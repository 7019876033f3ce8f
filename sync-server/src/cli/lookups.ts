import type { TeamRow, UserRow } from '../db/schema';
import type { Db } from '../repos/db-types';
import { findTeamById, findTeamByName, listTeams } from '../repos/teams';
import { findUserByEmail } from '../repos/users';
import { CommandFailure } from './errors';

/** `--team` accepts a name (what people type) or an id (what scripts have). */
export async function resolveTeam(db: Db, nameOrId: string): Promise<TeamRow> {
  const wanted = nameOrId.trim();
  const team = (await findTeamById(db, wanted)) ?? (await findTeamByName(db, wanted));
  if (team) return team;
  const names = (await listTeams(db)).map((t) => `"${t.name}"`);
  const known =
    names.length > 0
      ? `; teams: ${names.join(', ')}`
      : '; there are no teams yet (teams create --name ...)';
  throw new CommandFailure(`--team: no team named or with id "${wanted}"${known}`);
}

export async function requireUserByEmail(db: Db, email: string): Promise<UserRow> {
  const user = await findUserByEmail(db, email.trim());
  if (!user) throw new CommandFailure(`--email: no user with email ${email.trim()}`);
  return user;
}

/** Team id -> name, to show names instead of ids in tables. */
export async function teamNames(db: Db): Promise<ReadonlyMap<string, string>> {
  return new Map((await listTeams(db)).map((t) => [t.id, t.name]));
}
