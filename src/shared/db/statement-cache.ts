import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** What of a better-sqlite3 Database this needs (typed structurally: no driver import here). */
export interface PreparingDatabase {
  prepare(sql: string): SqliteStatement & { readonly busy?: boolean };
  close(): unknown;
}

/**
 * Kysely's SQLite driver calls `prepare` for every query; compiling the same SQL again costs more
 * than running it (a first sync's 10,000 row writes took twice as long). Queries built by Kysely
 * have a bounded set of SQL texts (values are bound parameters), so caching prepared statements
 * by text is safe and bounded. better-sqlite3 runs `all` and `run` synchronously, so one
 * statement is never used by two queries at once; a statement still being iterated (a streamed
 * query) is `busy`, and then a fresh one is prepared.
 */
export function withStatementCache(raw: PreparingDatabase, size = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement & { readonly busy?: boolean }>();
  return {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const stmt = raw.prepare(sql);
      // Only texts with a fixed shape recur; `in (...)` lists of varying length would not.
      if (cache.size >= size) cache.clear();
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
