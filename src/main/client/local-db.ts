import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrateLocal } from './migrations';
import type { LocalDatabase } from './schema';

export interface LocalDb {
  readonly db: Kysely<LocalDatabase>;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the client's database. WAL with `synchronous = FULL`: an outcome the rep
 * logged is on disk before the app says so, even if the laptop loses power right after.
 */
export async function openLocalDb(file: string): Promise<LocalDb> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    await migrateLocal(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, close: () => db.destroy() };
}
