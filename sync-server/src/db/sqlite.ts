import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withStatementCache } from '../../../src/shared/db/statement-cache';
import type { Database } from './schema';

/*
 * The one SQLite-specific module of the server: opening the file and its pragmas. Everything
 * else speaks Kysely, so a PostgreSQL dialect can replace this file.
 *
 * Durability: WAL with `synchronous = FULL`. In WAL mode, NORMAL only syncs at checkpoints, so
 * a committed transaction can vanish on power loss (not on a process crash). A 2xx from intake
 * promises the lead is kept, so every commit is synced to the WAL before we answer. The cost of
 * one fsync per commit is shared by many leads through group commit (see write-queue.ts).
 */
/** The database file inside the data folder (`POUNCE_DATA_DIR`). */
export const DATABASE_FILE = 'pounce.db';

export interface SqliteHandle {
  /** The one writer connection: every write goes through the WriteQueue on it. */
  readonly db: Kysely<Database>;
  /**
   * A second connection for reads (auth look-ups, GET endpoints). In WAL mode readers never wait
   * for the writer, so a group commit in progress does not hold up the next requests' reads.
   * Reads see committed data only.
   */
  readonly readDb: Kysely<Database>;
  readonly raw: BetterSqlite3.Database;
  /** The reader's connection (the writer's for `:memory:`, which has only one). */
  readonly rawReader: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /**
   * SQLite extensions loaded into both connections (`loadExtension`). Tests load a work counter
   * this way (test/helpers/sqlite-work.ts); an operator could load ICU or similar.
   */
  readonly extensions?: readonly string[];
}

export function openSqlite(file: string, options: SqliteOptions = {}): SqliteHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  for (const extension of options.extensions ?? []) raw.loadExtension(extension);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Another process (the admin CLI) may hold the write lock briefly; wait instead of failing.
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  let readDb = db;
  let rawReader = raw;
  if (file !== ':memory:') {
    const reader = new BetterSqlite3(file);
    rawReader = reader;
    for (const extension of options.extensions ?? []) reader.loadExtension(extension);
    reader.pragma('busy_timeout = 5000');
    readDb = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(reader) }),
    });
  }
  let closed = false;
  return {
    db,
    readDb,
    raw,
    rawReader,
    async close() {
      if (closed) return;
      closed = true;
      // Kysely's destroy closes the better-sqlite3 handles once queued queries finish.
      if (readDb !== db) await readDb.destroy();
      await db.destroy();
    },
  };
}
