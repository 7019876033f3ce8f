import type { Kysely } from 'kysely';
import { uuidv7 } from '../../shared/ids';
import type { LocalDatabase, LocalExecutor } from './schema';

/*
 * The sync state of the local database (key -> value): client id, mutation ids, cursor, and the
 * little the app keeps between runs. Each function takes the database or a transaction.
 */

export const STATE_KEYS = {
  clientId: 'client_id',
  /** The last mutation id this client issued. */
  lastIssued: 'last_mutation_issued',
  /** The last mutation id the server acknowledged. */
  lastAcked: 'last_mutation_acked',
  cursor: 'pull_cursor',
  lastSyncAt: 'last_sync_at',
  receivingLeads: 'receiving_leads',
  /** The call the rep started and has not logged (client-api OpenCall, JSON). */
  openCall: 'open_call',
  /** The server's playbook as last fetched (JSON): outcomes work offline by it. */
  playbook: 'playbook',
  /** How many pulled changes this app could not read and skipped (SyncStatus.skipped). */
  skippedChanges: 'skipped_changes',
  /** The server's `historyDays` as the last pull said it (history.ts). */
  historyDays: 'history_days',
} as const;
type StateKey = (typeof STATE_KEYS)[keyof typeof STATE_KEYS];

export async function getState(db: LocalExecutor, key: StateKey): Promise<string | null> {
  const row = await db
    .selectFrom('sync_state')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value ?? null;
}

export async function setState(db: LocalExecutor, key: StateKey, value: string): Promise<void> {
  await db
    .insertInto('sync_state')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The install's client id, created on first use. */
export async function ensureClientId(db: Kysely<LocalDatabase>): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const existing = await getState(trx, STATE_KEYS.clientId);
    if (existing) return existing;
    const id = uuidv7();
    await setState(trx, STATE_KEYS.clientId, id);
    return id;
  });
}
