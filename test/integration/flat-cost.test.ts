import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedHistory } from '../../bench/lib/history';
import { readWork, workCounterExtension, workSince, type Work } from '../helpers/sqlite-work';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The guard for issue 13: what one lead costs must not grow with the leads the server holds.
 * Time cannot show it on a shared machine; SQLite's own count of the work its statements did can
 * (test/helpers/sqlite-work.ts). Intake, routing and the live board's update for one lead are
 * measured on a server holding 1,000 open leads and on one holding 20,000: a read that scans the
 * open leads (the board's first-touch deadline read did, through the wrong index) shows as
 * thousands of extra steps per lead.
 */

const REPS = 10;
const config = { routing: { requireOnline: false } };
const WARM_UP = 10;
const MEASURED = 30;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface PerLead {
  readonly steps: number;
  readonly scanned: number;
  readonly tracked: number;
}

/** A migrated database with a team and its reps, then leads written straight into it. */
async function serverWith(
  history: { open: number; closed: number; closedUntilDaysAgo?: number; untouchedShare?: number },
  extensions: readonly string[] = [],
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pounce-flat-'));
  dirs.push(dataDir);
  const first = await startTestServer(config, { dataDir });
  const teamId = await createTeam(first, 'Flat');
  const repIds: string[] = [];
  for (let i = 0; i < REPS; i++) {
    // Room for every lead: the capacity check then reads what each rep holds, not a cap.
    const rep = await createUser(first, {
      email: `flat${i}@pounce.test`,
      role: 'rep',
      teamId,
      capacity: 10_000,
    });
    repIds.push(rep.id);
  }
  await first.stop({ keepData: true });
  seedHistory(join(dataDir, 'pounce.db'), { ...history, teamId, repIds, now: Date.now() });
  return startTestServer(config, { dataDir, sqliteExtensions: extensions });
}

async function perLead(open: number): Promise<PerLead> {
  // Half of them never touched (a backlog): each rep holds hundreds to thousands untouched.
  const s = await serverWith({ open, closed: 0, untouchedShare: 0.5 }, [workCounterExtension()]);
  try {
    const key = await createApiKey(s);
    const post = async () => {
      const res = await postLead(s, key, hotLead());
      expect(res.status).toBe(201);
      expect(res.body.lead.assignedTo).not.toBeNull();
      // One lead, one commit, one board update: the same work whatever the timing.
      await s.handle.board.settled();
    };
    for (let i = 0; i < WARM_UP; i++) await post();
    const before: Work = readWork(s.handle.sqlite);
    for (let i = 0; i < MEASURED; i++) await post();
    const spent = workSince(s.handle.sqlite, before);
    return {
      steps: spent.steps / MEASURED,
      scanned: spent.scanned / MEASURED,
      tracked: s.handle.board.stats.events,
    };
  } finally {
    await s.stop();
  }
}

describe('the work one lead costs does not grow with the open leads held', () => {
  it('intake, routing and the live board: the same SQLite steps per lead at 1,000 and 20,000 open', async () => {
    const small = await perLead(1_000);
    const large = await perLead(20_000);
    console.log(
      `SQLite work per lead: ${small.steps.toFixed(0)} steps at 1,000 open leads, ` +
        `${large.steps.toFixed(0)} at 20,000; rows scanned ${small.scanned} / ${large.scanned}`,
    );
    // The board really did its work in both runs (it read and applied every lead).
    expect(small.tracked).toBeGreaterThanOrEqual(WARM_UP + MEASURED);
    expect(large.tracked).toBeGreaterThanOrEqual(WARM_UP + MEASURED);
    // A read that walks the open leads adds ~19,000 steps per lead here; B-tree depth adds none
    // (a seek is one step). What differs is the board's presence check, which runs on a 200 ms
    // timer: a few hundred steps either way, whatever the leads held.
    expect(Math.abs(large.steps - small.steps)).toBeLessThan(small.steps * 0.02 + 100);
    // Full scans only of the small tables (the reps, on the presence timer): a few rows a lead.
    expect(small.scanned).toBeLessThan(20);
    expect(large.scanned).toBeLessThan(20);
  });
});

describe('start-up work is bounded by what is open, not by history', () => {
  it('the same SQLite steps to start with 1,000 open leads and no history or 60,000 closed ones', async () => {
    const started = async (closed: number) => {
      // History ends three days ago: what start-up may read is what is open and what
      // happened today (in any zone: the last two days), and here that is the same.
      const s = await serverWith({ open: 1_000, closed, closedUntilDaysAgo: 3 }, [
        workCounterExtension(),
      ]);
      // Everything start-up ran (migrations check, board rebuild, escalations, dispatcher),
      // counted by the statements still prepared: the server caches them all.
      const work = readWork(s.handle.sqlite);
      const tracked = s.handle.board.trackedLeads;
      await s.stop();
      return { work, tracked };
    };
    const fresh = await started(0);
    const year = await started(60_000);
    console.log(
      `SQLite work to start: ${fresh.work.steps} steps with no history, ${year.work.steps} with 60,000 closed leads`,
    );
    expect(fresh.tracked).toBe(1_000);
    expect(year.tracked).toBe(1_000);
    expect(Math.abs(year.work.steps - fresh.work.steps)).toBeLessThan(
      fresh.work.steps * 0.02 + 100,
    );
  });
});
