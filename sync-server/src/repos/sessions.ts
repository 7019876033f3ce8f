import type { SessionsTable, UserRow } from '../db/schema';
import type { Db } from './db-types';
import { prepareQuery } from '../db/prepared';

export async function insertSession(db: Db, session: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export interface SessionWithUser {
  readonly sessionId: string;
  readonly user: UserRow;
}

const liveSessionQuery = prepareQuery((db, p: { tokenHash: string; now: number }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select('sessions.id as session_id')
    .where('sessions.token_hash', '=', p.tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', p.now)
    .where('users.active', '=', 1),
);

/** The live session and its active user for a token hash, or undefined. */
export async function findLiveSession(
  db: Db,
  tokenHash: string,
  now: number,
): Promise<SessionWithUser | undefined> {
  const row = await liveSessionQuery.first(db, { tokenHash, now });
  if (!row) return undefined;
  const { session_id, ...user } = row;
  return { sessionId: session_id, user };
}

export async function revokeSession(db: Db, sessionId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(db: Db, userId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
