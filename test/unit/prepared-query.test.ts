import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../sync-server/src/db/migrations';
import { prepareQuery } from '../../sync-server/src/db/prepared';
import { openSqlite, type SqliteHandle } from '../../sync-server/src/db/sqlite';

let sqlite: SqliteHandle;

beforeEach(async () => {
  sqlite = openSqlite(join(mkdtempSync(join(tmpdir(), 'pounce-prepared-')), 'db.sqlite'));
  await migrateToLatest(sqlite.db);
  for (const [id, at] of [
    ['b', 2],
    ['a', 1],
    ['c', 3],
  ] as const) {
    await sqlite.db
      .insertInto('teams')
      .values({ id, name: `Team ${id}`, created_at: at })
      .execute();
  }
});
afterEach(() => sqlite.close());

describe('prepared queries', () => {
  const teamsAfter = prepareQuery((db, p: { after: number; limit: number }) =>
    db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('created_at', '>', p.after)
      .where('name', '!=', 'Team z') // a constant of the query, bound as a parameter
      .orderBy('created_at')
      .limit(p.limit),
  );

  it('binds new values on every run and keeps constants', async () => {
    expect(await teamsAfter.all(sqlite.db, { after: 0, limit: 10 })).toEqual([
      { id: 'a', name: 'Team a' },
      { id: 'b', name: 'Team b' },
      { id: 'c', name: 'Team c' },
    ]);
    expect(await teamsAfter.all(sqlite.db, { after: 1, limit: 1 })).toEqual([
      { id: 'b', name: 'Team b' },
    ]);
    expect(await teamsAfter.first(sqlite.db, { after: 3, limit: 1 })).toBeUndefined();
  });

  it('runs on both connections and inside transactions, compiled per connection', async () => {
    await sqlite.db.transaction().execute(async (trx) => {
      const rename = prepareQuery((db, p: { id: string; name: string }) =>
        db.updateTable('teams').set({ name: p.name }).where('id', '=', p.id),
      );
      expect(await rename.run(trx, { id: 'a', name: 'Renamed' })).toBe(1);
      expect(await rename.run(trx, { id: 'nope', name: 'x' })).toBe(0);
    });
    expect(await teamsAfter.first(sqlite.readDb, { after: 0, limit: 1 })).toEqual({
      id: 'a',
      name: 'Renamed',
    });
  });

  it('binds a value used twice in the same query', async () => {
    const twice = prepareQuery((db, p: { id: string }) =>
      db
        .selectFrom('teams')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', p.id), eb('name', '=', p.id)])),
    );
    expect(await twice.all(sqlite.db, { id: 'c' })).toEqual([{ id: 'c' }]);
  });

  it('refuses a missing value instead of binding NULL', async () => {
    const byId = prepareQuery((db, p: { id: string }) =>
      db.selectFrom('teams').select('id').where('id', '=', p.id),
    );
    const params = JSON.parse('{}') as { id: string };
    await expect(byId.first(sqlite.db, params)).rejects.toThrow(/no value for "id"/);
  });

  it('refuses a query that inlines a value into its SQL text', async () => {
    const inlined = prepareQuery((db, p: { name: string }) =>
      db.selectFrom('teams').select('id').where('name', '=', sql.lit(p.name)),
    );
    await expect(inlined.all(sqlite.db, { name: 'Team a' })).rejects.toThrow(/inlines/);
  });
});
