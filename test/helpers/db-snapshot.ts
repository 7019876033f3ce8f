import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../sync-server/src/db/sqlite';

/**
 * Every row of every table of a test server's database, as text per table: a test takes one
 * before a rejected request and one after, and `toEqual` names any table the request wrote to
 * (a count would miss an UPDATE). Read through a separate read-only connection, so it sees
 * exactly what was committed.
 *
 *   const before = dbSnapshot(s.dataDir);
 *   ... a request that must be refused ...
 *   expect(dbSnapshot(s.dataDir)).toEqual(before);
 */
export function dbSnapshot(
  dataDir: string,
  options: { except?: readonly string[] } = {},
): Record<string, string> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const tables = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .all() as { name: string }[];
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (options.except?.includes(name)) continue;
      out[name] = JSON.stringify(db.prepare(`select * from "${name}" order by 1`).all());
    }
    return out;
  } finally {
    db.close();
  }
}
