import type { Db } from './db-types';
import { prepareQuery } from '../db/prepared';

const idempotentLeadQuery = prepareQuery((db, p: { apiKeyId: string; key: string }) =>
  db
    .selectFrom('idempotency_keys')
    .select('lead_id')
    .where('api_key_id', '=', p.apiKeyId)
    .where('key', '=', p.key),
);

export async function findIdempotentLeadId(
  db: Db,
  apiKeyId: string,
  key: string,
): Promise<string | undefined> {
  const row = await idempotentLeadQuery.first(db, { apiKeyId, key });
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
