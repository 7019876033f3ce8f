import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Lead } from '../../shared/lead';
import { leadSearchKey, phoneDigits } from './history';
import type { LocalDatabase } from './schema';

/* The local database's migrations, in code, only ever added to (same rules as the server's). */

const m0001_initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('leads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead', 'text', (c) => c.notNull())
      .addColumn('timeline', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('server_updated_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_reason', 'text')
      .addColumn('revoked_at', 'bigint')
      .addColumn('notified_at', 'bigint')
      .execute();
    await db.schema
      .createTable('outbox')
      .addColumn('mutation_id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('rejected')
      .addColumn('mutation_id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('dismissed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('sync_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Applied mutations are kept until a pull carries their effect (schema.ts, OutboxTable). */
const m0002_outbox_acked: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('outbox').addColumn('acked_at', 'bigint').execute();
  },
};

/**
 * Open leads and history apart (history.ts): the queue reads the open leads by status and never
 * steps through closed ones; old history is found by status and age (or revocation time) to be
 * deleted; search reads a short folded key per lead instead of parsing every lead's JSON.
 */
const m0003_history: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('leads')
      .addColumn('search_key', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('leads')
      .addColumn('phone_digits', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('leads')
      .addColumn('received_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('leads_status_updated')
      .on('leads')
      .columns(['status', 'server_updated_at'])
      .execute();
    // Partial: a query for the leads not revoked (the queue's) must never walk this one.
    await sql`create index leads_revoked_at on leads (revoked_at) where revoked_at is not null`.execute(
      db,
    );
    // Leads stored before this migration get their keys (once: new writes carry them).
    const rows = await sql<{ id: string; lead: string }>`select id, lead from leads`.execute(db);
    for (const row of rows.rows) {
      const lead = JSON.parse(row.lead) as Lead;
      await sql`update leads set search_key = ${leadSearchKey(lead)},
        phone_digits = ${phoneDigits(lead.phone)}, received_at = ${Date.parse(lead.receivedAt)}
        where id = ${row.id}`.execute(db);
    }
  },
};

/** In order; exported for the migration tests (test/unit/migrations.test.ts). */
export const LOCAL_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001_initial,
  '0002_outbox_acked': m0002_outbox_acked,
  '0003_history': m0003_history,
};

class Provider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...LOCAL_MIGRATIONS });
  }
}

export async function migrateLocal(db: Kysely<LocalDatabase>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: new Provider() }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `local database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`,
    );
  }
}
