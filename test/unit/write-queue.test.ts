import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../sync-server/src/db/migrations';
import { openSqlite, type SqliteHandle } from '../../sync-server/src/db/sqlite';
import { WriteQueue, WriteQueueClosedError } from '../../sync-server/src/db/write-queue';
import { insertTeam, listTeams } from '../../sync-server/src/repos/teams';

let sqlite: SqliteHandle;
let writes: WriteQueue;

beforeEach(async () => {
  sqlite = openSqlite(join(mkdtempSync(join(tmpdir(), 'pounce-wq-')), 'db.sqlite'));
  await migrateToLatest(sqlite.db);
  writes = new WriteQueue(sqlite.db);
});
afterEach(async () => {
  await writes.close();
  await sqlite.close();
});

const team = (name: string) => ({ id: name, name, created_at: 1 });

describe('group commit', () => {
  it('uses WAL with synchronous=FULL', () => {
    expect(sqlite.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.raw.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('commits concurrent writes in one transaction', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => writes.run(({ trx }) => insertTeam(trx, team(`t${i}`)))),
    );
    expect(await listTeams(sqlite.db)).toHaveLength(50);
    expect(writes.stats).toEqual({ batches: 1, writes: 50 });
  });

  it('rolls back only the failing write of a batch', async () => {
    const results = await Promise.allSettled([
      writes.run(({ trx }) => insertTeam(trx, team('a'))),
      writes.run(async ({ trx }) => {
        await insertTeam(trx, team('b'));
        throw new Error('business rule failed after a write');
      }),
      writes.run(({ trx }) => insertTeam(trx, team('a'))), // unique violation
      writes.run(({ trx }) => insertTeam(trx, team('c'))),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((await listTeams(sqlite.db)).map((t) => t.name)).toEqual(['a', 'c']);
  });

  it('runs afterCommit hooks only once the data is committed, and never for failed writes', async () => {
    const seen: string[] = [];
    await Promise.allSettled([
      writes.run(async ({ trx, afterCommit }) => {
        await insertTeam(trx, team('x'));
        afterCommit(() => {
          // The hook can already read its write from another connection's point of view.
          const row = sqlite.raw.prepare('select name from teams where id = ?').get('x');
          seen.push(`hook x ${JSON.stringify(row)}`);
        });
      }),
      writes.run(({ afterCommit }) => {
        afterCommit(() => seen.push('hook y'));
        return Promise.reject(new Error('nope'));
      }),
    ]);
    expect(seen).toEqual(['hook x {"name":"x"}']);
  });

  it('finishes queued writes on close and refuses new ones', async () => {
    const pending = writes.run(({ trx }) => insertTeam(trx, team('late')));
    await writes.close();
    await pending;
    await expect(writes.run(({ trx }) => insertTeam(trx, team('after')))).rejects.toBeInstanceOf(
      WriteQueueClosedError,
    );
    expect((await listTeams(sqlite.db)).map((t) => t.name)).toEqual(['late']);
  });
});
