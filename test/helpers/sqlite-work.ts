import type BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * Counting the database's work instead of timing it. SQLite counts, per prepared statement, the
 * virtual-machine steps it ran and the rows full scans stepped through; `sqlite-work/
 * work_counter.c` sums those counters over a connection's statements. A query that reads more
 * rows as the data grows runs more steps, on a quiet machine or a loaded one alike: a guard
 * that cannot flake.
 *
 *   const ext = workCounterExtension();
 *   const s = await startTestServer({}, { sqliteExtensions: [ext] });
 *   const before = readWork(s.handle.sqlite);  ...  const spent = workSince(s.handle.sqlite, before);
 */

const SOURCE = resolve(__dirname, 'sqlite-work/work_counter.c');
/** SQLite's own headers, as shipped with better-sqlite3 (the same SQLite it runs). */
const HEADERS = resolve(__dirname, '../../node_modules/better-sqlite3/deps/sqlite3');

let built: string | undefined;

/** Compiles the extension once per process (cc, ~0.2 s) and returns its path. */
export function workCounterExtension(): string {
  if (built) return built;
  const dir = join(tmpdir(), `pounce-sqlite-work-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'work_counter.so');
  if (!existsSync(out)) {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', `-I${HEADERS}`, '-o', out, SOURCE], {
      stdio: 'pipe',
    });
  }
  built = out;
  return out;
}

export interface Work {
  /** Virtual-machine steps: SQLite's measure of how much a statement did. */
  readonly steps: number;
  /** Rows stepped through by full table scans. */
  readonly scanned: number;
}

interface Connections {
  readonly writer: BetterSqlite3.Database;
  readonly reader: BetterSqlite3.Database;
}

const counters = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

function read(db: BetterSqlite3.Database): Work {
  // One statement per connection: its own few steps are then the same in every reading.
  let stmt = counters.get(db);
  if (!stmt) {
    stmt = db.prepare('select pounce_vm_steps() as steps, pounce_fullscan_steps() as scanned');
    counters.set(db, stmt);
  }
  const row = stmt.get() as { steps: number; scanned: number };
  return { steps: Number(row.steps), scanned: Number(row.scanned) };
}

/** The work counted so far on both connections (call `workSince` with it later). */
export function readWork(c: Connections): Work {
  const w = read(c.writer);
  const r = c.reader === c.writer ? { steps: 0, scanned: 0 } : read(c.reader);
  return { steps: w.steps + r.steps, scanned: w.scanned + r.scanned };
}

export function workSince(c: Connections, before: Work): Work {
  const now = readWork(c);
  return { steps: now.steps - before.steps, scanned: now.scanned - before.scanned };
}
