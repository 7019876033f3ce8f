import BetterSqlite3 from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { Samples } from './stats';

/*
 * The baseline: better-sqlite3 on its own, a file database with the server's durability
 * settings (WAL, synchronous = FULL), one transaction (so one WAL fsync) per row, in one loop.
 * Its table is the server's `leads` table (the CREATE TABLE text is copied from the server's
 * database) with a primary key on id and a unique index on (source, external_id), and its rows
 * are copies of leads the server stored in the same run (ids and external ids made unique), so
 * column count and row size match by construction. Rows are read before the clock starts.
 */

export type Row = Record<string, unknown>;

export interface ServerRows {
  readonly createTable: string;
  readonly rows: readonly Row[];
}

/** Average stored size of a lead row: the sum of its columns' lengths as SQLite reports them. */
export function avgLeadRowBytes(db: BetterSqlite3.Database, where = '1 = 1'): number {
  const columns = (
    db.prepare(`SELECT name FROM pragma_table_info('leads')`).all() as { name: string }[]
  ).map((c) => c.name);
  const sum = columns.map((c) => `ifnull(length("${c}"), 0)`).join(' + ');
  const row = db.prepare(`SELECT avg(${sum}) AS bytes FROM leads WHERE ${where}`).get() as
    { bytes: number | null } | undefined;
  return row?.bytes ?? Number.NaN;
}

/** The server's leads table definition and up to `limit` of the leads matching `where`. */
export function readServerRows(serverDbFile: string, where: string, limit: number): ServerRows {
  const db = new BetterSqlite3(serverDbFile, { fileMustExist: true });
  try {
    const table = db
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'leads'`)
      .get() as { sql: string } | undefined;
    if (!table) throw new Error(`no leads table in ${serverDbFile}`);
    const rows = db.prepare(`SELECT * FROM leads WHERE ${where} LIMIT ?`).all(limit) as Row[];
    if (rows.length === 0) throw new Error(`no leads matching ${where} in ${serverDbFile}`);
    return { createTable: table.sql, rows };
  } finally {
    db.close();
  }
}

export interface BaselineRun {
  readonly rows: number;
  readonly seconds: number;
  /** Per insert (one transaction, one fsync), ms. */
  readonly latencies: Samples;
  readonly avgRowBytes: number;
  readonly columns: number;
  readonly synchronous: string;
  readonly journalMode: string;
  /** CPU seconds the loop used (user + system). */
  readonly cpuSeconds: number;
}

const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/** Inserts copies of `source.rows`, one transaction each, for `durationMs`. */
export function runBaseline(file: string, source: ServerRows, durationMs: number): BaselineRun {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Only the leads table exists here; its REFERENCES clauses must not be enforced.
    db.pragma('foreign_keys = OFF');
    db.exec(source.createTable);
    db.exec('CREATE UNIQUE INDEX leads_source_external_id ON leads (source, external_id)');
    const journalMode = String(db.pragma('journal_mode', { simple: true }));
    const synchronous =
      SYNCHRONOUS[Number(db.pragma('synchronous', { simple: true }))] ?? 'unknown';
    const columns = Object.keys(source.rows[0] ?? {});
    const insert = db.prepare(
      `INSERT INTO leads (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    const insertOne = db.transaction((row: Row) => insert.run(row));
    const latencies = new Samples();
    const idPrefix = `${Date.now().toString(16).padStart(8, '0').slice(-8)}-0000-7000-8000`;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const end = start + durationMs;
    let n = 0;
    while (performance.now() < end) {
      const template = source.rows[n % source.rows.length];
      // Same lengths as the server's: a time-ordered 36-character id, `<tag>-<run>-<n>` external ids.
      const row: Row = {
        ...template,
        id: `${idPrefix}-${n.toString(16).padStart(12, '0')}`,
        external_id: String(template?.external_id).replace(
          /^[a-z]+-([0-9a-f]+)-\d+$/,
          (_m, run: string) => `bl-${run}-${n}`,
        ),
      };
      const t0 = performance.now();
      insertOne(row);
      latencies.push(performance.now() - t0);
      n++;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      rows: n,
      seconds,
      latencies,
      avgRowBytes: avgLeadRowBytes(db),
      columns: columns.length,
      synchronous,
      journalMode,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    db.close();
  }
}
