import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from '../schema';
import { m0001_initial } from './0001-initial';
import { m0002_teams_created_index } from './0002-teams-created-index';
import { m0003_sync } from './0003-sync';
import { m0004_lead_sources } from './0004-lead-sources';
import { m0005_lifecycle } from './0005-lifecycle';
import { m0006_repeat_inquiries } from './0006-repeat-inquiries';
import { m0007_cadence } from './0007-cadence';
import { m0008_claim_and_away } from './0008-claim-and-away';
import { m0009_delivery_failures } from './0009-delivery-failures';
import { m0010_metrics_history } from './0010-metrics-history';
import { m0011_time_order_indexes } from './0011-time-order-indexes';
import { m0012_deadlines_by_lead_kind } from './0012-deadlines-by-lead-kind';
import { m0013_untouched_counts } from './0013-untouched-counts';

/*
 * Migrations are registered in code (a folder scan breaks once bundled), named in increasing
 * order, and only ever added to: one file per migration beside this one, and this one ordered
 * list. The names are what existing databases recorded: never rename or reorder them. Types are
 * chosen to mean the same on SQLite and PostgreSQL; the row types are in db/schema.ts.
 */

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001_initial,
  '0002_teams_created_index': m0002_teams_created_index,
  '0003_sync': m0003_sync,
  '0004_lead_sources': m0004_lead_sources,
  '0005_lifecycle': m0005_lifecycle,
  '0006_repeat_inquiries': m0006_repeat_inquiries,
  '0007_cadence': m0007_cadence,
  '0008_claim_and_away': m0008_claim_and_away,
  '0009_delivery_failures': m0009_delivery_failures,
  '0010_metrics_history': m0010_metrics_history,
  '0011_time_order_indexes': m0011_time_order_indexes,
  '0012_deadlines_by_lead_kind': m0012_deadlines_by_lead_kind,
  '0013_untouched_counts': m0013_untouched_counts,
};

class InCodeMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...MIGRATIONS });
  }
}

/**
 * Brings the database to the latest schema. Refuses a database written by a newer server (it
 * knows migrations this build does not), rather than running against a schema it cannot read.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider() });
  const known = await migrator.getMigrations();
  const unknown = await appliedMigrationsUnknownToThisBuild(db, new Set(known.map((m) => m.name)));
  if (unknown.length > 0) {
    throw new Error(
      `the database was migrated by a newer Pounce server (${unknown.join(', ')}); upgrade this server`,
    );
  }
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason =
      error instanceof Error ? error.message : failed ? 'see the migration' : 'unknown error';
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
}

async function appliedMigrationsUnknownToThisBuild(
  db: Kysely<Database>,
  known: ReadonlySet<string>,
): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  // Kysely's own bookkeeping table is not part of the Database interface.
  const ledger = db as unknown as Kysely<{ kysely_migration: { name: string } }>;
  const rows = await ledger.selectFrom('kysely_migration').select('name').execute();
  return rows.map((r) => r.name).filter((name) => !known.has(name));
}
