import type BetterSqlite3 from 'better-sqlite3';

/*
 * A SQLite database's schema as plain data (tables and their columns, indexes, triggers), so
 * tests can compare two databases, or a database with a checked-in snapshot, with toEqual.
 */

export interface ColumnShape {
  /** The declared type, as written in the migration ('text', 'bigint', 'double precision'). */
  readonly type: string;
  readonly notNull: boolean;
  /** The default's SQL text, or null for none. */
  readonly default: string | null;
}

export type TableShape = Readonly<Record<string, ColumnShape>>;

export interface SchemaShape {
  readonly tables: Readonly<Record<string, TableShape>>;
  /** Index name -> its CREATE statement (SQLite's own automatic indexes left out). */
  readonly indexes: Readonly<Record<string, string>>;
  readonly triggers: Readonly<Record<string, string>>;
}

/** Kysely's bookkeeping, not the app's schema. */
const LEDGER = new Set(['kysely_migration', 'kysely_migration_lock']);

export function schemaShape(raw: BetterSqlite3.Database): SchemaShape {
  const objects = raw
    .prepare(
      `select type, name, sql from sqlite_master
       where name not like 'sqlite_%' and type in ('table', 'index', 'trigger') order by name`,
    )
    .all() as { type: string; name: string; sql: string | null }[];
  const tables: Record<string, TableShape> = {};
  const indexes: Record<string, string> = {};
  const triggers: Record<string, string> = {};
  for (const object of objects) {
    if (object.type === 'table' && !LEDGER.has(object.name)) {
      tables[object.name] = tableShape(raw, object.name);
    } else if (object.type === 'index' && !LEDGER.has(object.name)) {
      indexes[object.name] = object.sql ?? '';
    } else if (object.type === 'trigger') {
      triggers[object.name] = object.sql ?? '';
    }
  }
  return { tables, indexes, triggers };
}

export function tableShape(raw: BetterSqlite3.Database, table: string): TableShape {
  const columns = raw.prepare(`select * from pragma_table_info(?)`).all(table) as {
    name: string;
    type: string;
    notnull: number;
    dflt_value: string | null;
  }[];
  return Object.fromEntries(
    columns.map((c) => [
      c.name,
      { type: c.type.toLowerCase(), notNull: c.notnull === 1, default: c.dflt_value },
    ]),
  );
}

/**
 * What a change from `before` to `after` breaks for a reader of the old shape: a table or a
 * column gone, a column's type changed, or a new column an old writer cannot leave out (NOT NULL
 * without a default). Empty when the change only adds.
 */
export function breakingChanges(
  before: Readonly<Record<string, TableShape>>,
  after: Readonly<Record<string, TableShape>>,
): string[] {
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(before)) {
    const now = after[table];
    if (!now) {
      problems.push(`table ${table} is gone`);
      continue;
    }
    for (const [name, was] of Object.entries(columns)) {
      const is = now[name];
      if (!is) problems.push(`${table}.${name} is gone`);
      else if (is.type !== was.type) problems.push(`${table}.${name}: ${was.type} -> ${is.type}`);
    }
    for (const [name, is] of Object.entries(now)) {
      if (!(name in columns) && is.notNull && is.default === null) {
        problems.push(`${table}.${name} is new, NOT NULL and has no default`);
      }
    }
  }
  return problems;
}

/** Columns in `after` that `before` does not record (new tables count whole). */
export function additions(
  before: Readonly<Record<string, TableShape>>,
  after: Readonly<Record<string, TableShape>>,
): string[] {
  const added: string[] = [];
  for (const [table, columns] of Object.entries(after)) {
    for (const name of Object.keys(columns)) {
      if (!before[table]?.[name]) added.push(`${table}.${name}`);
    }
  }
  return added;
}
