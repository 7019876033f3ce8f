import type { ApiKeysTable } from '../db/schema';
import type { Db } from './db-types';
import { prepareQuery } from '../db/prepared';

export async function insertApiKey(db: Db, key: ApiKeysTable): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

const activeApiKeyQuery = prepareQuery((db, p: { keyHash: string }) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'name'])
    .where('key_hash', '=', p.keyHash)
    .where('revoked_at', 'is', null),
);

/** The unrevoked key with this hash (every intake request asks). */
export function findActiveApiKey(db: Db, keyHash: string) {
  return activeApiKeyQuery.first(db, { keyHash });
}

/** Revokes a key; false when there is no such unrevoked key. */
export async function revokeApiKey(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function listApiKeys(db: Db) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'created_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
}
