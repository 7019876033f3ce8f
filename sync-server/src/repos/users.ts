import type { NewUserRow, UserRow, UserUpdate } from '../db/schema';
import type { Db } from './db-types';

export async function insertUser(db: Db, user: NewUserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function updateUser(db: Db, id: string, patch: UserUpdate): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

/**
 * Swaps a password hash for a stronger one of the same password, unless the hash changed since
 * it was read (a new password set meanwhile wins). Sessions stay: the password is the same.
 */
export async function replacePasswordHash(
  db: Db,
  id: string,
  from: string,
  to: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: to })
    .where('id', '=', id)
    .where('password_hash', '=', from)
    .execute();
}

export function listUsers(db: Db, filter: { teamId?: string } = {}): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
  return q.orderBy('created_at').orderBy('id').execute();
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
