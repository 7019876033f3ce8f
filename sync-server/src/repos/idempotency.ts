import type { Db } from './db-types';

export async function findIdempotentLeadId(
  db: Db,
  apiKeyId: string,
  key: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select('lead_id')
    .where('api_key_id', '=', apiKeyId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.lead_id;
}

export async function insertIdempotencyKey(
  db: Db,
  apiKeyId: string,
  key: string,
  leadId: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({ api_key_id: apiKeyId, key, lead_id: leadId, created_at: now })
    .execute();
}
