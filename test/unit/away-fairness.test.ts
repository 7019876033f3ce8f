import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config/load';
import { migrateToLatest } from '../../sync-server/src/db/migrations';
import { openSqlite, type SqliteHandle } from '../../sync-server/src/db/sqlite';
import { periodIssues } from '../../sync-server/src/lifecycle/away-period';
import {
  readLedgerEntry,
  writeLedgerEntry,
  writeVirtualTime,
} from '../../sync-server/src/repos/routing-ledger';
import { levelOnReturn } from '../../sync-server/src/routing/fair-queue';
import { Router } from '../../sync-server/src/routing/router';

/*
 * The fairness of a return from an away period: the pure rule (fair-queue.ts levelOnReturn), and
 * the router applying it to the ledger in a real SQLite database, shown against what the same
 * ledger does without it.
 */

describe('levelOnReturn', () => {
  it('brings a rep who fell behind up to the slowest teammate, never below the team clock', () => {
    expect(levelOnReturn(1, 12, [14, 13.5])).toBe(13.5);
    expect(levelOnReturn(1, 12, [11, 11.5])).toBe(12);
    expect(levelOnReturn(null, 3, [5, 4])).toBe(4);
    expect(levelOnReturn(null, 3, [])).toBe(3);
  });

  it('leaves a rep who is already ahead where they are (nobody’s history resets)', () => {
    expect(levelOnReturn(20, 12, [14, 13.5])).toBe(20);
  });
});

describe('periodIssues', () => {
  const now = 1_000_000;
  it('names `until` for every rule it breaks', () => {
    expect(periodIssues(now, now + 1, now)).toEqual([]);
    expect(periodIssues(now, now, now)).toEqual([
      { field: 'until', message: 'must be after from' },
    ]);
    expect(periodIssues(now - 10, now - 5, now)).toEqual([
      { field: 'until', message: 'must be in the future' },
    ]);
    expect(periodIssues(now, now + 367 * 24 * 3600_000, now)).toEqual([
      { field: 'until', message: 'must be at most 366 days after from' },
    ]);
  });
});

describe('Router.levelReturningRep (real SQLite)', () => {
  let sqlite: SqliteHandle;
  const NOW = Date.parse('2026-12-01T15:00:00.000Z');
  const router = new Router(
    loadConfig({ overrides: { routing: { requireOnline: false } } }).routing,
    { isOnline: () => true },
    undefined,
    { clock: () => NOW },
  );

  beforeEach(async () => {
    sqlite = openSqlite(join(mkdtempSync(join(tmpdir(), 'pounce-away-')), 'db.sqlite'));
    await migrateToLatest(sqlite.db);
  });
  afterEach(() => sqlite.close());

  /**
   * A team whose ledger has Ana far behind Ben and Cai and a team clock that lags too: what a
   * returning rep would find if the clock had not moved while others took leads (say, a ledger
   * from before claims counted in it).
   */
  async function staleTeam(teamId: string): Promise<void> {
    const db = sqlite.db;
    await db.insertInto('teams').values({ id: teamId, name: teamId, created_at: 1 }).execute();
    for (const name of ['ana', 'ben', 'cai']) {
      await db
        .insertInto('users')
        .values({
          id: `${teamId}-${name}`,
          email: `${name}@${teamId}.test`,
          name,
          password_hash: 'x',
          role: 'rep',
          team_id: teamId,
          weight: 1,
          capacity: 1000,
          active: 1,
          receiving_leads: 1,
          created_at: 1,
          updated_at: 1,
        })
        .execute();
    }
    await writeLedgerEntry(db, teamId, { userId: `${teamId}-ana`, pass: 0, assignedCount: 0 });
    await writeLedgerEntry(db, teamId, { userId: `${teamId}-ben`, pass: 20, assignedCount: 20 });
    await writeLedgerEntry(db, teamId, { userId: `${teamId}-cai`, pass: 20, assignedCount: 20 });
    await writeVirtualTime(db, teamId, 0);
  }

  async function share(teamId: string, leads: number): Promise<string[]> {
    const picks: string[] = [];
    for (let i = 0; i < leads; i++) {
      const choice = await router.pickRep(sqlite.db, teamId, null, { now: NOW });
      picks.push(choice?.user.name ?? 'nobody');
    }
    return picks;
  }

  it('levels the returner, so of the next 30 leads among three she gets 10, not a flood', async () => {
    await staleTeam('levelled');
    const level = await router.levelReturningRep(sqlite.db, 'levelled', 'levelled-ana', NOW);
    expect(level).toEqual({ from: 0, to: 20 });
    expect((await readLedgerEntry(sqlite.db, 'levelled', 'levelled-ana'))?.pass).toBe(20);
    const picks = await share('levelled', 30);
    expect(picks.filter((p) => p === 'ana')).toHaveLength(10);
    expect(picks.slice(0, 6).filter((p) => p === 'ana').length).toBeLessThanOrEqual(2);

    // The same ledger without levelling floods her: every one of the first 20 leads.
    await staleTeam('flooded');
    const flood = await share('flooded', 30);
    expect(flood.slice(0, 20).every((p) => p === 'ana')).toBe(true);
  });

  it('does not count teammates who are away or not receiving, and leaves a rep ahead alone', async () => {
    await staleTeam('mixed');
    // Cai is not receiving: only Ben's pass sets the level.
    await sqlite.db
      .updateTable('users')
      .set({ receiving_leads: 0 })
      .where('id', '=', 'mixed-cai')
      .execute();
    await writeLedgerEntry(sqlite.db, 'mixed', { userId: 'mixed-ben', pass: 7, assignedCount: 7 });
    expect(await router.levelReturningRep(sqlite.db, 'mixed', 'mixed-ana', NOW)).toEqual({
      from: 0,
      to: 7,
    });
    await writeLedgerEntry(sqlite.db, 'mixed', {
      userId: 'mixed-ana',
      pass: 30,
      assignedCount: 30,
    });
    expect(await router.levelReturningRep(sqlite.db, 'mixed', 'mixed-ana', NOW)).toEqual({
      from: 30,
      to: 30,
    });
  });
});
