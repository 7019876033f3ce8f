import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
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

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001_initial,
  '0002_outbox_acked': m0002_outbox_acked,
};

class Provider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...MIGRATIONS });
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
