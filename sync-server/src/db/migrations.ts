import type { Database } from './schema';
import { m0005_lifecycle, m0006_repeat_inquiries, m0007_cadence } from '../lifecycle/tables';
import { m0008_claim_and_away } from '../lifecycle/claim-tables';
import { m0010_metrics_history } from '../metrics/history-indexes';
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/*
 * Migrations are registered in code (a folder scan breaks once bundled), named in increasing
 * order, and only ever added to. Types are chosen to mean the same on SQLite and PostgreSQL.
 */

const m0001_initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('teams.id'))
      .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('capacity', 'integer', (c) => c.notNull().defaultTo(25))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('receiving_leads', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_team_role')
      .on('users')
      .columns(['team_id', 'role'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('leads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('company', 'text')
      .addColumn('title', 'text')
      .addColumn('country', 'text')
      .addColumn('region', 'text')
      .addColumn('timezone', 'text')
      .addColumn('message', 'text')
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('score_reasons', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('teams.id'))
      .addColumn('routing_rule', 'text')
      .addColumn('assigned_to', 'text', (c) => c.references('users.id'))
      .addColumn('assigned_at', 'bigint')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('first_touch_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // NULL external ids never collide (SQL semantics on both engines), so this only binds real ids.
    await db.schema
      .createIndex('leads_source_external_id')
      .on('leads')
      .columns(['source', 'external_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('leads_assignee_status')
      .on('leads')
      .columns(['assigned_to', 'status'])
      .execute();
    await db.schema
      .createIndex('leads_team_status')
      .on('leads')
      .columns(['team_id', 'status'])
      .execute();
    await db.schema.createIndex('leads_status_id').on('leads').columns(['status', 'id']).execute();

    await db.schema
      .createTable('lead_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lead_events_lead')
      .on('lead_events')
      .columns(['lead_id', 'id'])
      .execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('api_key_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['api_key_id', 'key'])
      .execute();

    await db.schema
      .createTable('routing_ledger')
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('pass', 'double precision', (c) => c.notNull())
      .addColumn('assigned_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('routing_ledger_pk', ['team_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('routing_clock')
      .addColumn('team_id', 'text', (c) => c.primaryKey())
      .addColumn('virtual_time', 'double precision', (c) => c.notNull())
      .execute();
  },
};

/** Every intake looks up the default (oldest) team: an index spares SQLite a sort each time. */
const m0002_teams_created_index: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('teams_created')
      .on('teams')
      .columns(['created_at', 'id'])
      .execute();
  },
};

/** The sync protocol: call outcomes, client installs and their mutations, the pull change log. */
const m0003_sync: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('leads').addColumn('seen_at', 'bigint').execute();
    await db.schema
      .alterTable('leads')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('leads').addColumn('last_attempt_at', 'bigint').execute();
    await db.schema.alterTable('leads').addColumn('last_disposition', 'text').execute();
    await db.schema.alterTable('leads').addColumn('callback_at', 'bigint').execute();

    await db.schema
      .createTable('sync_clients')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('last_mutation_id', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_push_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sync_mutations')
      .addColumn('client_id', 'text', (c) => c.notNull().references('sync_clients.client_id'))
      .addColumn('mutation_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('client_occurred_at', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_mutations_pk', ['client_id', 'mutation_id'])
      .execute();

    await db.schema
      .createTable('outcomes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('disposition', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('callback_at', 'bigint')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('client_occurred_at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outcomes_lead')
      .on('outcomes')
      .columns(['lead_id', 'recorded_at'])
      .execute();

    // A first sync pages through a rep's leads by id.
    await db.schema
      .createIndex('leads_assignee_id')
      .on('leads')
      .columns(['assigned_to', 'id'])
      .execute();

    // `integer primary key autoincrement` on SQLite; a later PostgreSQL dialect uses a sequence.
    await db.schema
      .createTable('lead_changes')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lead_changes_user_seq')
      .on('lead_changes')
      .columns(['user_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('lead_changes_lead_user')
      .on('lead_changes')
      .columns(['lead_id', 'user_id'])
      .execute();
  },
};

/**
 * Lead sources (Google Ads, Typeform, generic webhooks) and every delivery they received. A
 * source's HMAC secret is stored sealed (AES-256-GCM, server key outside the database), its
 * comparison-only secret as a SHA-256 hash: never in plain text.
 */
const m0004_lead_sources: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lead_sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('mapping', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('secret_rotated_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .execute();

    await db.schema
      .createTable('source_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull().references('lead_sources.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('delivery_id', 'text')
      .addColumn('lead_id', 'text', (c) => c.references('leads.id'))
      .addColumn('detail', 'text')
      .addColumn('remote_address', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    // The admin's listing (newest first, by source) and the repeat check on every delivery.
    await db.schema
      .createIndex('source_deliveries_source_id')
      .on('source_deliveries')
      .columns(['source_id', 'id'])
      .execute();
    await db.schema
      .createIndex('source_deliveries_source_delivery')
      .on('source_deliveries')
      .columns(['source_id', 'delivery_id'])
      .execute();
  },
};

/** Failed deliveries per source and time: their hourly cap is checked on every failure. */
const m0009_delivery_failures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('source_deliveries_failures')
      .on('source_deliveries')
      .columns(['source_id', 'status', 'received_at'])
      .execute();
  },
};

/**
 * "Newest first" lists are ordered by their time column, the id only breaking ties (ids never
 * carry a chosen time, so they are not the order): the leads lists by status and the deliveries
 * of a source walk these instead of sorting.
 */
const m0011_time_order_indexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('leads_status_created')
      .on('leads')
      .columns(['status', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('source_deliveries_source_received')
      .on('source_deliveries')
      .columns(['source_id', 'received_at', 'id'])
      .execute();
  },
};

/**
 * Deadlines by lead and kind. The first-touch deadline of a lead is read on every board update
 * and at start for every open lead; with only `(lead_id)` and `(kind, done_at)` to choose from,
 * SQLite took the second for `lead_id = ? and kind = ?` (two equalities beat one), scanning every
 * `alert_lead` deadline ever written for each lead: the board's cost per event and the restart
 * grew with the leads stored (issue 13). Three equality columns make the plan the obvious one.
 */
const m0012_deadlines_by_lead_kind: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('lead_deadlines_lead_kind')
      .on('lead_deadlines')
      .columns(['lead_id', 'kind', 'done_at'])
      .execute();
    // Its prefix serves every read by lead alone.
    await db.schema.dropIndex('lead_deadlines_lead').execute();
  },
};

/**
 * Each rep's untouched leads (assigned, no outcome yet), counted by triggers on `leads`. The
 * capacity check before every assignment read them by counting the rep's leads (up to their
 * capacity): thousands of index entries per lead when capacity is high and nobody calls, a cost
 * that grew with the leads held (issue 13). Triggers see every write, whichever code path (intake,
 * the router, an outcome, a reassignment, a release, the admin CLI) makes it.
 */
const m0013_untouched_counts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rep_untouched')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('n', 'integer', (c) => c.notNull())
      .execute();
    await sql`insert into rep_untouched (user_id, n)
      select assigned_to, count(*) from leads
      where status = 'assigned' and assigned_to is not null group by assigned_to`.execute(db);
    await sql`create trigger leads_untouched_insert after insert on leads
      when new.status = 'assigned' and new.assigned_to is not null
      begin
        insert into rep_untouched (user_id, n) values (new.assigned_to, 1)
          on conflict (user_id) do update set n = n + 1;
      end`.execute(db);
    // Off the old holder's count, onto the new one's; an update that changes neither nets zero.
    await sql`create trigger leads_untouched_update after update of status, assigned_to on leads
      when (old.status = 'assigned' and old.assigned_to is not null)
        or (new.status = 'assigned' and new.assigned_to is not null)
      begin
        update rep_untouched set n = n - 1
          where old.status = 'assigned' and user_id = old.assigned_to;
        insert into rep_untouched (user_id, n)
          select new.assigned_to, 1 where new.status = 'assigned' and new.assigned_to is not null
          on conflict (user_id) do update set n = n + 1;
      end`.execute(db);
    await sql`create trigger leads_untouched_delete after delete on leads
      when old.status = 'assigned' and old.assigned_to is not null
      begin
        update rep_untouched set n = n - 1 where user_id = old.assigned_to;
      end`.execute(db);
  },
};

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
