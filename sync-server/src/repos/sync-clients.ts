import type { SyncClientRow, SyncMutationsTable } from '../db/schema';
import { prepareQuery } from '../db/prepared';
import type { Db } from './db-types';

const clientQuery = prepareQuery((db, p: { clientId: string }) =>
  db.selectFrom('sync_clients').selectAll().where('client_id', '=', p.clientId),
);

export function findSyncClient(db: Db, clientId: string): Promise<SyncClientRow | undefined> {
  return clientQuery.first(db, { clientId });
}

export async function insertSyncClient(
  db: Db,
  client: { clientId: string; userId: string; now: number },
): Promise<void> {
  await db
    .insertInto('sync_clients')
    .values({
      client_id: client.clientId,
      user_id: client.userId,
      last_mutation_id: 0,
      created_at: client.now,
      last_push_at: client.now,
    })
    .execute();
}

const advanceQuery = prepareQuery((db, p: { clientId: string; mutationId: number; now: number }) =>
  db
    .updateTable('sync_clients')
    .set({ last_mutation_id: p.mutationId, last_push_at: p.now })
    .where('client_id', '=', p.clientId),
);

export async function advanceSyncClient(
  db: Db,
  clientId: string,
  mutationId: number,
  now: number,
): Promise<void> {
  await advanceQuery.run(db, { clientId, mutationId, now });
}

const recordQuery = prepareQuery((db, p: SyncMutationsTable) =>
  db.insertInto('sync_mutations').values({
    client_id: p.client_id,
    mutation_id: p.mutation_id,
    user_id: p.user_id,
    name: p.name,
    args: p.args,
    status: p.status,
    error_code: p.error_code,
    error_message: p.error_message,
    client_occurred_at: p.client_occurred_at,
    applied_at: p.applied_at,
  }),
);

/** Keeps what became of a mutation: the audit trail, and where rejections can be looked up. */
export async function recordMutation(db: Db, row: SyncMutationsTable): Promise<void> {
  await recordQuery.run(db, row);
}
