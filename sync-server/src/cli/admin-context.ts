import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load';
import type { Config } from '../config/schema';
import { migrateToLatest } from '../db/migrations';
import { DATABASE_FILE, openSqlite, type SqliteHandle } from '../db/sqlite';
import { WriteQueue } from '../db/write-queue';
import type { LeadNotifier } from '../ports/lead-notifier';
import type { Db } from '../repos/db-types';
import { Dispatcher } from '../routing/dispatcher';
import type { Presence } from '../ports/presence';
import { Router } from '../routing/router';
import { Accounts } from '../services/accounts';
import { AwayService } from '../lifecycle/away';
import { CommandFailure } from './errors';

/**
 * The CLI owns no live connections, so to its router nobody is online, and nobody is told about
 * assignments. With the default `routing.requireOnline` this means CLI changes never assign
 * leads themselves: the running server does that when a rep connects.
 */
const NOBODY_ONLINE: Presence = { isOnline: () => false };
const NOBODY_LISTENING: LeadNotifier = {
  leadAssigned: () => undefined,
  leadRevoked: () => undefined,
  poke: () => undefined,
};

export interface AdminContext {
  readonly config: Config;
  readonly databaseFile: string;
  /** True when this command created the database (likely a wrong --data-dir, so we say so). */
  readonly createdDatabase: boolean;
  readonly db: Db;
  readonly accounts: Accounts;
  /** Away periods, stored for the running server to start and end. */
  readonly away: AwayService;
  /** Waits for pending writes, then closes the database so the process can exit. */
  close(): Promise<void>;
}

export interface AdminContextOptions {
  readonly configFile?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Opens the same database the server uses, through the same config loading, and wires
 * `Accounts` as the server does, so a user made here is exactly a user made over HTTP.
 * Throws ConfigError for a bad config and CommandFailure when the database cannot be used.
 */
export async function openAdminContext(options: AdminContextOptions): Promise<AdminContext> {
  // --data-dir wins over the environment, which wins over the file (the server's order).
  const env =
    options.dataDir === undefined
      ? options.env
      : { ...options.env, POUNCE_DATA_DIR: options.dataDir };
  const config = loadConfig({ file: options.configFile ?? options.env.POUNCE_CONFIG, env });
  const databaseFile = resolve(join(config.server.dataDir, DATABASE_FILE));
  const createdDatabase = !existsSync(databaseFile);

  let sqlite: SqliteHandle;
  try {
    sqlite = openSqlite(databaseFile);
  } catch (error) {
    throw new CommandFailure(`cannot open the database ${databaseFile}: ${messageOf(error)}`);
  }
  try {
    await migrateToLatest(sqlite.db);
  } catch (error) {
    await sqlite.close();
    throw new CommandFailure(`cannot use the database ${databaseFile}: ${messageOf(error)}`);
  }

  const writes = new WriteQueue(sqlite.db);
  const clock = Date.now;
  const router = new Router(config.routing, NOBODY_ONLINE, undefined, { clock });
  const dispatcher = new Dispatcher(writes, router, NOBODY_LISTENING, clock);
  // Stores away periods only: their start and end run on the server, which can tell the reps.
  const away = new AwayService({
    writes,
    readDb: sqlite.db,
    router,
    dispatcher,
    notifier: NOBODY_LISTENING,
    clock,
    moveCallbacks: config.lifecycle.away.moveCallbacks,
    runTransitions: false,
  });
  const accounts = new Accounts({
    db: sqlite.db,
    writes,
    dispatcher,
    clock,
    auth: config.auth,
  });
  return {
    config,
    databaseFile,
    createdDatabase,
    db: sqlite.db,
    accounts,
    away,
    async close() {
      await writes.close();
      await sqlite.close();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
