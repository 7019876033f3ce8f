import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { leadSearchKey, phoneDigits } from '../../src/main/client/history';
import { LOCAL_MIGRATIONS, migrateLocal } from '../../src/main/client/migrations';
import type { LocalDatabase } from '../../src/main/client/schema';
import { emailKey, phoneKey } from '../../src/shared/contact-identity';
import type { Lead } from '../../src/shared/lead';
import { MIGRATIONS, migrateToLatest } from '../../sync-server/src/db/migrations';
import { DATABASE_FILE, openSqlite } from '../../sync-server/src/db/sqlite';
import { http } from '../helpers/http';
import {
  additions,
  breakingChanges,
  schemaShape,
  type SchemaShape,
  type TableShape,
} from '../helpers/schema-shape';
import { serverScope } from '../helpers/server-fixture';

/*
 * Migrations, the server's and the client's, run as they run in the field: one by one from an
 * empty database, and from every earlier version with rows in it (each later migration must
 * keep those rows and fill what it adds). A database from a newer version is refused. And the
 * tables a client syncs from, and the client's own, only ever gain columns: an old client in
 * the field still reads and writes the old shape (the additive-only guard; Actual Budget keeps
 * the same rule). Real SQLite throughout.
 */

const SERVER_NAMES = Object.keys(MIGRATIONS);
const CLIENT_NAMES = Object.keys(LOCAL_MIGRATIONS);

/** The server tables whose rows reach clients (pull, live, the lead wire) or hold sync state. */
const SYNCED_SERVER_TABLES = [
  'leads',
  'lead_events',
  'outcomes',
  'lead_changes',
  'lead_offers',
  'sync_clients',
  'sync_mutations',
] as const;

const SNAPSHOT_FILE = join(__dirname, 'schema-snapshot.json');
const UPDATE_SNAPSHOT = process.env.POUNCE_UPDATE_SCHEMA_SNAPSHOT === '1';

class ListProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.migrations });
  }
}

/** A migrator over `migrations` that can stop anywhere (the apps only ever go to the latest). */
function stepper<DB>(db: Kysely<DB>, migrations: Readonly<Record<string, Migration>>) {
  const migrator = new Migrator({ db, provider: new ListProvider(migrations) });
  return {
    /** Applies exactly the next migration, and says which. */
    async up(): Promise<string> {
      const { error, results } = await migrator.migrateUp();
      if (error instanceof Error) throw error;
      if (error !== undefined) throw new Error('migration failed', { cause: error });
      expect(results?.map((r) => r.status)).toEqual(['Success']);
      return results?.[0]?.migrationName ?? '';
    },
    /** Applies the first `count` migrations (none for 0). */
    async to(count: number): Promise<void> {
      for (let i = 0; i < count; i++) await this.up();
    },
  };
}

// ---- the server ----------------------------------------------------------------------------

function openServerDb(file = ':memory:') {
  return openSqlite(file);
}

const T = Date.parse('2026-06-01T12:00:00.000Z');
const ADA = { email: 'Ada.Byron@Engines.example', phone: '+1 (415) 555-0100' };

/**
 * Rows written with the columns of 0001 only: every later migration adds nullable or defaulted
 * columns, so the same inserts work at any version (that they do is part of the test).
 */
function seedServer(raw: BetterSqlite3.Database): void {
  raw.prepare(`insert into teams (id, name, created_at) values ('team-1', 'Old team', ?)`).run(T);
  raw
    .prepare(
      `insert into users (id, email, name, password_hash, role, team_id, created_at, updated_at)
       values ('rep-1', 'rep@old.test', 'Rep', 'x', 'rep', 'team-1', ?, ?)`,
    )
    .run(T, T);
  const lead = raw.prepare(
    `insert into leads (id, source, name, email, phone, signals, fields, score, tier,
       score_reasons, status, team_id, assigned_to, assigned_at, received_at, created_at, updated_at)
     values (?, 'web_form', ?, ?, ?, '[]', '{}', 80, 'hot', '[]', ?, 'team-1', 'rep-1', ?, ?, ?, ?)`,
  );
  lead.run('lead-new', 'Ada', ADA.email, ADA.phone, 'assigned', T, T, T, T);
  lead.run('lead-worked', 'Grace', null, null, 'working', T, T - 1000, T, T);
  raw
    .prepare(
      `insert into lead_events (id, lead_id, type, at, actor_id, data)
       values ('event-1', 'lead-new', 'created', ?, null, '{}')`,
    )
    .run(T);
}

/** What the seeded rows must look like at the latest version, whichever version they met. */
function expectSeedAtLatest(raw: BetterSqlite3.Database, seededAt: number): void {
  const leads = raw
    .prepare(
      `select id, status, inquiries, last_inquiry_at, email_key, phone_key, received_at
       from leads order by id`,
    )
    .all() as {
    id: string;
    status: string;
    inquiries: number;
    last_inquiry_at: number | null;
    email_key: string | null;
    phone_key: string | null;
    received_at: number;
  }[];
  expect(leads.map((l) => [l.id, l.status, l.inquiries])).toEqual([
    ['lead-new', 'assigned', 1],
    ['lead-worked', 'working', 1],
  ]);
  const ada = leads[0];
  if (seededAt < SERVER_NAMES.indexOf('0006_repeat_inquiries') + 1 && ada) {
    // 0006 gave the leads already stored their identity keys and their last inquiry.
    expect(ada.email_key).toBe(emailKey(ADA.email));
    expect(ada.phone_key).toBe(phoneKey(ADA.phone));
    expect(ada.last_inquiry_at).toBe(ada.received_at);
  }
  // 0008: the team keeps the assignment it always had.
  expect(raw.prepare(`select assignment from teams`).pluck().all()).toEqual(['fair']);
  // 0013: counted from the rows (backfill) or by its triggers (seeded after it), the same.
  expect(raw.prepare(`select user_id, n from rep_untouched`).all()).toEqual([
    { user_id: 'rep-1', n: 1 },
  ]);
  expect(raw.prepare(`select count(*) from lead_events`).pluck().get()).toBe(1);
}

function latestServerShape(): Promise<SchemaShape> {
  const sqlite = openServerDb();
  return migrateToLatest(sqlite.db)
    .then(() => schemaShape(sqlite.raw))
    .finally(() => sqlite.close());
}

describe('server migrations', () => {
  it('apply one by one from an empty database; a synced table never loses or retypes a column', async () => {
    const sqlite = openServerDb();
    try {
      const step = stepper(sqlite.db, MIGRATIONS);
      let before = schemaShape(sqlite.raw).tables;
      for (const name of SERVER_NAMES) {
        expect(await step.up()).toBe(name);
        const after = schemaShape(sqlite.raw).tables;
        expect(breakingChanges(synced(before), after), name).toEqual([]);
        before = after;
      }
      expect(schemaShape(sqlite.raw)).toEqual(await latestServerShape());
    } finally {
      await sqlite.close();
    }
  });

  it.each(SERVER_NAMES.map((name, i) => [i + 1, name] as const))(
    'a database at %i (%s) with rows in it migrates to the latest, rows kept and filled in',
    async (version) => {
      const sqlite = openServerDb();
      try {
        await stepper(sqlite.db, MIGRATIONS).to(version);
        seedServer(sqlite.raw);
        await migrateToLatest(sqlite.db);
        expect(schemaShape(sqlite.raw)).toEqual(await latestServerShape());
        expectSeedAtLatest(sqlite.raw, version);
        // Running it again finds nothing to do.
        await migrateToLatest(sqlite.db);
        expect(ledger(sqlite.raw)).toEqual(SERVER_NAMES);
      } finally {
        await sqlite.close();
      }
    },
  );

  it('refuses a database a newer server migrated, and leaves it untouched', async () => {
    const sqlite = openServerDb();
    try {
      await migrateToLatest(sqlite.db);
      fromTheFuture(sqlite.raw, '9999_from_a_newer_server');
      const shape = schemaShape(sqlite.raw);
      await expect(migrateToLatest(sqlite.db)).rejects.toThrow(
        /migrated by a newer Pounce server \(9999_from_a_newer_server\); upgrade this server/,
      );
      expect(schemaShape(sqlite.raw)).toEqual(shape);
    } finally {
      await sqlite.close();
    }
  });

  const scope = serverScope();

  it('the server will not start on a newer database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-newer-'));
    const sqlite = openServerDb(join(dataDir, DATABASE_FILE));
    await migrateToLatest(sqlite.db);
    fromTheFuture(sqlite.raw, '9999_from_a_newer_server');
    await sqlite.close();
    await expect(scope.server({}, { dataDir })).rejects.toThrow(/newer Pounce server/);
  });

  it('a server started on a database of the first version serves the leads in it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-oldest-'));
    const sqlite = openServerDb(join(dataDir, DATABASE_FILE));
    await stepper(sqlite.db, MIGRATIONS).to(1);
    seedServer(sqlite.raw);
    await sqlite.close();
    const s = await scope.server({}, { dataDir });
    const res = await http<{ lead: { id: string; status: string; assignedTo: string } }>(
      'GET',
      `${s.url}/api/v1/leads/lead-new`,
      { token: s.adminToken },
    );
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({
      id: 'lead-new',
      status: 'assigned',
      assignedTo: 'rep-1',
    });
  });
});

// ---- the client ----------------------------------------------------------------------------

function openClientDb() {
  const raw = new BetterSqlite3(':memory:');
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: raw }) });
  return { raw, db, close: () => db.destroy() };
}

const LEAD: Lead = {
  id: 'lead-1',
  source: 'web_form',
  externalId: null,
  name: 'Ada Byron',
  email: 'ada@engines.example',
  phone: '+1 415 555 0100',
  company: 'Analytical Engines',
  title: null,
  country: 'US',
  region: null,
  timezone: null,
  message: null,
  signals: [{ type: 'demo_request', at: '2026-06-01T12:00:00.000Z' }],
  fields: {},
  score: 80,
  tier: 'hot',
  scoreReasons: [],
  status: 'assigned',
  teamId: 'team-1',
  assignedTo: 'rep-1',
  assignedAt: '2026-06-01T12:00:00.000Z',
  receivedAt: '2026-06-01T11:59:00.000Z',
  firstTouchAt: null,
  seenAt: null,
  attempts: 0,
  lastAttemptAt: null,
  lastDisposition: null,
  callbackAt: null,
  createdAt: '2026-06-01T12:00:00.000Z',
  updatedAt: '2026-06-01T12:00:00.000Z',
  inquiries: 1,
  lastInquiryAt: '2026-06-01T12:00:00.000Z',
  nextAttemptAt: null,
  closeReason: null,
  offer: null,
};

/** A lead and a queued call, with the columns of the client's 0001 only. */
function seedClient(raw: BetterSqlite3.Database): void {
  raw
    .prepare(
      `insert into leads (id, lead, timeline, status, server_updated_at)
       values (?, ?, '[]', 'assigned', ?)`,
    )
    .run(LEAD.id, JSON.stringify(LEAD), T);
  raw
    .prepare(
      `insert into outbox (mutation_id, name, args, occurred_at, created_at)
       values (1, 'logOutcome', '{}', '2026-06-01T12:01:00.000Z', ?)`,
    )
    .run(T);
}

async function latestClientShape(): Promise<SchemaShape> {
  const local = openClientDb();
  try {
    await migrateLocal(local.db);
    return schemaShape(local.raw);
  } finally {
    await local.close();
  }
}

describe('client migrations', () => {
  it('apply one by one from an empty database; a local table never loses or retypes a column', async () => {
    const local = openClientDb();
    try {
      const step = stepper(local.db, LOCAL_MIGRATIONS);
      let before = schemaShape(local.raw).tables;
      for (const name of CLIENT_NAMES) {
        expect(await step.up()).toBe(name);
        const after = schemaShape(local.raw).tables;
        expect(breakingChanges(before, after), name).toEqual([]);
        before = after;
      }
      expect(schemaShape(local.raw)).toEqual(await latestClientShape());
    } finally {
      await local.close();
    }
  });

  it.each(CLIENT_NAMES.map((name, i) => [i + 1, name] as const))(
    'a local database at %i (%s) with a lead and a queued call migrates to the latest',
    async (version) => {
      const local = openClientDb();
      try {
        await stepper(local.db, LOCAL_MIGRATIONS).to(version);
        seedClient(local.raw);
        await migrateLocal(local.db);
        expect(schemaShape(local.raw)).toEqual(await latestClientShape());
        const row = local.raw
          .prepare(`select id, search_key, phone_digits, received_at from leads`)
          .get() as { id: string; search_key: string; phone_digits: string; received_at: number };
        if (version < CLIENT_NAMES.indexOf('0003_history') + 1) {
          // 0003 gave the leads already stored their search key, digits and receive time.
          expect(row).toEqual({
            id: LEAD.id,
            search_key: leadSearchKey(LEAD),
            phone_digits: phoneDigits(LEAD.phone),
            received_at: Date.parse(LEAD.receivedAt),
          });
        }
        expect(local.raw.prepare(`select mutation_id, acked_at from outbox`).all()).toEqual([
          { mutation_id: 1, acked_at: null },
        ]);
        expect(ledger(local.raw)).toEqual(CLIENT_NAMES);
      } finally {
        await local.close();
      }
    },
  );

  it('refuses a local database a newer app migrated', async () => {
    const local = openClientDb();
    try {
      await migrateLocal(local.db);
      fromTheFuture(local.raw, '9999_from_a_newer_app');
      await expect(migrateLocal(local.db)).rejects.toThrow(/9999_from_a_newer_app/);
    } finally {
      await local.close();
    }
  });
});

// ---- the additive-only guard ---------------------------------------------------------------

interface Snapshot {
  readonly server: Readonly<Record<string, TableShape>>;
  readonly client: Readonly<Record<string, TableShape>>;
}

describe('synced tables only ever gain columns', () => {
  it('matches the checked-in snapshot (POUNCE_UPDATE_SCHEMA_SNAPSHOT=1 records additions)', async () => {
    const now: Snapshot = {
      server: synced((await latestServerShape()).tables),
      client: (await latestClientShape()).tables,
    };
    const kept = existsSync(SNAPSHOT_FILE)
      ? (JSON.parse(readFileSync(SNAPSHOT_FILE, 'utf8')) as Snapshot)
      : { server: {}, client: {} };
    // Never recordable: an old client in the field reads and writes the old shape.
    expect(breakingChanges(kept.server, now.server)).toEqual([]);
    expect(breakingChanges(kept.client, now.client)).toEqual([]);
    const added = [
      ...additions(kept.server, now.server).map((c) => `server ${c}`),
      ...additions(kept.client, now.client).map((c) => `client ${c}`),
    ];
    if (UPDATE_SNAPSHOT) {
      writeFileSync(SNAPSHOT_FILE, snapshotText(now));
      return;
    }
    // Adding is fine, but it is recorded on purpose, so the next removal is caught.
    expect(
      added,
      'new columns: run the test with POUNCE_UPDATE_SCHEMA_SNAPSHOT=1 and commit the snapshot',
    ).toEqual([]);
  });

  it('the guard itself catches a column gone, a type changed and a NOT NULL without default', () => {
    const before = { leads: { id: col('text'), score: col('integer'), note: col('text', false) } };
    expect(
      breakingChanges(before, {
        leads: {
          id: col('text'),
          score: col('text'),
          extra: col('bigint'),
          fine: col('text', false),
        },
      }),
    ).toEqual([
      'leads.score: integer -> text',
      'leads.note is gone',
      'leads.extra is new, NOT NULL and has no default',
    ]);
    expect(breakingChanges(before, {})).toEqual(['table leads is gone']);
  });
});

// ---- helpers -------------------------------------------------------------------------------

function synced(tables: Readonly<Record<string, TableShape>>): Record<string, TableShape> {
  return Object.fromEntries(
    SYNCED_SERVER_TABLES.flatMap((name) => {
      const table = tables[name];
      return table ? [[name, table]] : [];
    }),
  );
}

function col(type: string, notNull = true): { type: string; notNull: boolean; default: null } {
  return { type, notNull, default: null };
}

/** The snapshot as JSON, a column a line (as prettier leaves it), so a diff reads per column. */
function snapshotText(snapshot: Snapshot): string {
  const json = JSON.stringify(snapshot, null, 2).replace(
    /\{\n\s+("type": [^\n]+,)\n\s+("notNull": [^\n]+,)\n\s+("default": [^\n]+)\n\s+\}/g,
    '{ $1 $2 $3 }',
  );
  return `${json}\n`;
}

/** Applied migration names, in order. */
function ledger(raw: BetterSqlite3.Database): string[] {
  return raw.prepare(`select name from kysely_migration order by name`).pluck().all() as string[];
}

/** Marks the database as migrated by a build that knows one more migration. */
function fromTheFuture(raw: BetterSqlite3.Database, name: string): void {
  raw
    .prepare(`insert into kysely_migration (name, timestamp) values (?, ?)`)
    .run(name, new Date().toISOString());
}
