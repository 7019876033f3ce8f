import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { withStatementCache } from '../../shared/db/statement-cache';
import { migrateLocal } from './migrations';
import type { LocalDatabase } from './schema';

export interface LocalDb {
  readonly db: Kysely<LocalDatabase>;
  /** The connection itself, for diagnostics and tests that count its work. */
  readonly raw: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface LocalDbOptions {
  /** SQLite extensions to load (`loadExtension`): tests load a work counter this way. */
  readonly extensions?: readonly string[];
}

/**
 * Opens (and migrates) the client's database. WAL with `synchronous = FULL`: an outcome the rep
 * logged is on disk before the app says so, even if the laptop loses power right after.
 */
export async function openLocalDb(file: string, options: LocalDbOptions = {}): Promise<LocalDb> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  // Leads are stored whole (lead and timeline JSON, ~2.5 KB a row): on 4 KB pages most rows spill
  // into overflow pages, and a first sync wrote ~3x slower than on 16 KB pages (measured:
  // docs/benchmarks.md). Takes effect when the file is created (before WAL is switched on).
  try {
    raw.pragma('page_size = 16384');
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('busy_timeout = 5000');
    for (const extension of options.extensions ?? []) raw.loadExtension(extension);
  } catch (error) {
    // Not a database (or a damaged one): let the file go before reporting it.
    raw.close();
    throw error;
  }
  const db = new Kysely<LocalDatabase>({
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
  });
  try {
    await migrateLocal(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, raw, close: () => db.destroy() };
}
