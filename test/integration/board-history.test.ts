import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBoardCharts } from '../../src/shared/board-charts';
import { applyBoardMessage, type BoardModel } from '../../src/shared/board-model';
import {
  parseBoardMessage,
  type RepFigures,
  type TeamFigures,
} from '../../src/shared/board-protocol';
import { uuidv7 } from '../../src/shared/ids';
import type { MutationArgs } from '../../src/shared/sync-protocol';
import type { Database } from '../../sync-server/src/db/schema';
import { DATABASE_FILE } from '../../sync-server/src/db/sqlite';
import {
  type DailyFigures,
  type DailyHistory,
  readDailyHistory,
} from '../../sync-server/src/metrics/history';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  login,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The strongest check of history.ts: the same scripted day, read back from SQLite, gives the
 * live board's figures, team by team and rep by rep, in two zones, across one team's midnight,
 * with an offline call that belongs to yesterday, a manual reassignment, a release, an SLA
 * breach and the ladder's reassignment. And the charts endpoint is the same history.
 */

// 14:50 UTC on Tuesday 1 December 2026: 09:50 in New York, 23:50 in Tokyo.
const T0 = Date.parse('2026-12-01T14:50:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;

const CONFIG = {
  // Leads from Japan go to the Tokyo team; the rest to the oldest team, East.
  routing: {
    requireOnline: false,
    rules: [{ name: 'japan', match: { countries: ['JP'] }, team: 'Tokyo' }],
  },
  metrics: { timeZone: 'America/New_York', teamTimeZones: { Tokyo: 'Asia/Tokyo' } },
};

let server: TestServer | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await server?.stop();
  server = undefined;
  now = T0;
});

interface Rep {
  readonly id: string;
  readonly token: string;
}

const mutationIds = new Map<string, { clientId: string; next: number }>();

async function logOutcome(
  s: TestServer,
  rep: Rep,
  leadId: string,
  disposition: MutationArgs<'logOutcome'>['disposition'],
  extra: { occurredAt?: number; reasonCode?: string; callbackAt?: number } = {},
): Promise<void> {
  const client = mutationIds.get(rep.id) ?? { clientId: uuidv7(), next: 0 };
  mutationIds.set(rep.id, client);
  client.next += 1;
  const res = await http<{ results: { status: string }[] }>('POST', `${s.url}/api/v1/sync/push`, {
    token: rep.token,
    body: {
      protocolVersion: 1,
      clientId: client.clientId,
      mutations: [
        {
          name: 'logOutcome',
          args: {
            outcomeId: uuidv7(),
            leadId,
            disposition,
            ...(extra.reasonCode && { reasonCode: extra.reasonCode }),
            ...(extra.callbackAt && { callbackAt: new Date(extra.callbackAt).toISOString() }),
          },
          clientId: client.clientId,
          mutationId: client.next,
          occurredAt: new Date(extra.occurredAt ?? now).toISOString(),
        },
      ],
    },
  });
  expect(res.status).toBe(200);
  expect(res.body.results.map((r) => r.status)).toEqual(['applied']);
}

const DAILY_KEYS = [
  'day',
  'attempts',
  'connects',
  'contactRate',
  'qualified',
  'meetingsBooked',
  'slaBreaches',
  'firstTouches',
  'speedToLeadP50Ms',
  'speedToLeadP90Ms',
] as const;

function daily(figures: DailyFigures | TeamFigures | RepFigures): Record<string, unknown> {
  return Object.fromEntries(DAILY_KEYS.map((k) => [k, figures[k]]));
}

function zeros(day: string): DailyFigures {
  return {
    day,
    attempts: 0,
    connects: 0,
    contactRate: null,
    qualified: 0,
    meetingsBooked: 0,
    slaBreaches: 0,
    firstTouches: 0,
    speedToLeadP50Ms: null,
    speedToLeadP90Ms: null,
  };
}

async function liveBoards(s: TestServer): Promise<Map<string, BoardModel>> {
  await s.handle.board.settled();
  const client = await LiveClient.connect(s.url, s.adminToken);
  closers.push(() => client.close());
  // Both teams' snapshots, each with its deltas laid over.
  return eventually(
    () => {
      const boards = new Map<string, BoardModel>();
      for (const m of client.messages) {
        const message = parseBoardMessage(m);
        if (!message) continue;
        const next = applyBoardMessage(boards.get(message.teamId) ?? null, message);
        if (next !== 'resync') boards.set(message.teamId, next);
      }
      return boards.size >= 2 && boards;
    },
    { timeout: 2000, interval: 10, what: 'both teams on the live board' },
  );
}

function openReader(dataDir: string): Kysely<Database> {
  const raw = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  closers.push(() => void db.destroy());
  return db;
}

/** Every team's and rep's figures of `day` in the history, shaped like the board's. */
function historyOf(history: DailyHistory, teamId: string, day: string) {
  const team = history.teams.find((t) => t.teamId === teamId && t.day === day);
  const reps = new Map(
    history.reps.filter((r) => r.teamId === teamId && r.day === day).map((r) => [r.repId, r]),
  );
  return { team, reps };
}

describe('daily history', () => {
  it("today's history equals the live board, per team and per rep, in each team's zone", async () => {
    // Teams exist before the server that watches them starts, so Tokyo's zone applies live too
    // (the board reads metrics.teamTimeZones by name at start).
    const first = await startTestServer(CONFIG, { clock });
    const eastId = await createTeam(first, 'East');
    const tokyoId = await createTeam(first, 'Tokyo');
    const ana = await createUser(first, { email: 'ana@h.test', role: 'rep', teamId: eastId });
    const ben = await createUser(first, { email: 'ben@h.test', role: 'rep', teamId: eastId });
    const kai = await createUser(first, { email: 'kai@h.test', role: 'rep', teamId: tokyoId });
    await createUser(first, { email: 'lea@h.test', role: 'lead', teamId: eastId });
    const apiKey = await createApiKey(first);
    const dataDir = first.dataDir;
    await first.stop({ keepData: true });
    server = await startTestServer(CONFIG, { clock, dataDir });
    const s = server;
    const lea = { token: await login(s.url, 'lea@h.test', PASSWORD) };
    const reps = new Map<string, Rep>([ana, ben, kai].map((r) => [r.id, r]));
    const holder = async (leadId: string): Promise<Rep> => {
      const res = await http<{ lead: { assignedTo: string } }>(
        'GET',
        `${s.url}/api/v1/leads/${leadId}`,
        { token: s.adminToken },
      );
      const rep = reps.get(res.body.lead.assignedTo);
      if (!rep) throw new Error(`lead ${leadId} is held by nobody we know`);
      return rep;
    };
    const other = (rep: Rep) => (rep.id === ana.id ? ben : ana);
    const post = async (extra: Record<string, unknown> = {}) =>
      (await postLead(s, apiKey, hotLead(extra))).body.lead.id;

    // East. A lead that came in last night (23:00 New York) and went to a rep then; they call
    // it offline at 23:58 and their app syncs this morning: its attempt and its first touch
    // belong to 30 November. (A call is believed only after its lead's assignment.)
    now = Date.parse('2026-12-01T04:00:00.000Z');
    const old = await post();
    const oldRep = await holder(old);
    now = T0;

    // Tokyo, before its midnight (23:50-23:53 local): one attempt on 1 December.
    const t1 = await post({ country: 'JP' });
    now += 3 * MIN;
    await logOutcome(s, kai, t1, 'no_answer');

    // The call on last night's lead, logged offline at 23:58, reaches the server now.
    await logOutcome(s, oldRep, old, 'no_answer', {
      occurredAt: Date.parse('2026-12-01T04:58:00Z'),
    });
    await logOutcome(s, oldRep, old, 'voicemail');

    // Moved by the team lead before anyone called: the new rep's first touch after 2 minutes.
    const l1 = await post();
    const to = other(await holder(l1));
    const moved = await http('POST', `${s.url}/api/v1/leads/${l1}/reassign`, {
      token: lea.token,
      body: { toUserId: to.id },
    });
    expect(moved.status).toBe(200);
    now += 2 * MIN;
    await logOutcome(s, to, l1, 'no_answer');

    // A meeting after 4 minutes.
    const l2 = await post();
    now += 4 * MIN;
    await logOutcome(s, await holder(l2), l2, 'meeting_booked');

    // Nobody calls: a breach at 5 minutes, moved by the ladder at 10, called back at 11.
    const l3 = await post();
    const breached = await holder(l3);
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);
    const after = await holder(l3);
    expect(after.id).toBe(other(breached).id);
    now += MIN;
    await logOutcome(s, after, l3, 'callback', { callbackAt: now + 3_600_000 });

    // Released to the team queue: it goes to the other rep at once, who qualifies it.
    const l5 = await post();
    const releasedFrom = await holder(l5);
    const released = await http<{ lead: { assignedTo: string } }>(
      'POST',
      `${s.url}/api/v1/leads/${l5}/release`,
      { token: lea.token },
    );
    expect(released.status).toBe(200);
    expect(released.body.lead.assignedTo).toBe(other(releasedFrom).id);
    now += MIN;
    await logOutcome(s, other(releasedFrom), l5, 'qualified');

    const l6 = await post();
    now += 30_000;
    await logOutcome(s, await holder(l6), l6, 'not_interested', { reasonCode: 'price' });

    // Tokyo after its midnight: 2 December there. A qualified call, then a breach.
    expect(now).toBeGreaterThan(Date.parse('2026-12-01T15:00:00Z'));
    const t2 = await post({ country: 'JP' });
    now += 3 * MIN;
    await logOutcome(s, kai, t2, 'qualified');
    await post({ country: 'JP' });
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);

    const boards = await liveBoards(s);
    const db = openReader(s.dataDir);
    const east = boards.get(eastId);
    const tokyo = boards.get(tokyoId);
    if (!east || !tokyo) throw new Error('no board for a team');
    expect(east.team.day).toBe('2026-12-01');
    expect(tokyo.team.day).toBe('2026-12-02');

    const history = await readDailyHistory(
      db,
      [
        { id: eastId, zone: 'America/New_York' },
        { id: tokyoId, zone: 'Asia/Tokyo' },
      ],
      { from: '2026-11-30', to: '2026-12-02' },
    );
    for (const board of [east, tokyo]) {
      const { team, reps: repDays } = historyOf(history, board.teamId, board.team.day);
      if (!team) throw new Error('no history for the team');
      expect(daily(team)).toEqual(daily(board.team));
      for (const [repId, figures] of board.reps) {
        const record = repDays.get(repId);
        expect(daily(record ?? zeros(board.team.day))).toEqual(daily(figures));
      }
      // Nobody in the history that the board does not show.
      for (const repId of repDays.keys()) expect(board.reps.has(repId)).toBe(true);
    }

    // What the script did, as both read it.
    expect(east.team).toMatchObject({
      attempts: 6,
      connects: 4,
      qualified: 1,
      meetingsBooked: 1,
      slaBreaches: 1,
      // Samples 0.5, 1, 2, 4 and 11 min: nearest rank 3 and 5.
      firstTouches: 5,
      speedToLeadP50Ms: 2 * MIN,
      speedToLeadP90Ms: 11 * MIN,
    });
    expect(east.reps.get(breached.id)?.slaBreaches).toBe(1);
    // The offline call is yesterday's: in the history of 30 November, on no board.
    expect(daily(historyOf(history, eastId, '2026-11-30').team ?? zeros(''))).toMatchObject({
      attempts: 1,
      firstTouches: 1,
      speedToLeadP50Ms: 58 * MIN,
    });
    // Tokyo's first attempt fell before its midnight.
    expect(historyOf(history, tokyoId, '2026-12-01').team).toMatchObject({ attempts: 1 });
    expect(tokyo.team).toMatchObject({ attempts: 1, qualified: 1, slaBreaches: 1 });

    // The charts are the same history: today's last entry, and today's samples.
    for (const board of [east, tokyo]) {
      const res = await http('GET', `${s.url}/api/v1/teams/${board.teamId}/board/charts?days=3`, {
        token: s.adminToken,
      });
      expect(res.status).toBe(200);
      const charts = parseBoardCharts(res.body);
      if (!charts) throw new Error('not charts');
      expect(charts.daily.map((d) => d.day).at(-1)).toBe(board.team.day);
      expect(charts.daily.at(-1)).toEqual({
        day: board.team.day,
        firstTouches: board.team.firstTouches,
        speedToLeadP50Ms: board.team.speedToLeadP50Ms,
        speedToLeadP90Ms: board.team.speedToLeadP90Ms,
        slaBreaches: board.team.slaBreaches,
      });
      const samples = charts.today.speedToLeadMs;
      expect(samples).toHaveLength(board.team.firstTouches);
      expect(samples).toEqual([...samples].sort((a, b) => a - b));
      expect(samples[Math.ceil(samples.length / 2) - 1] ?? null).toBe(board.team.speedToLeadP50Ms);
      expect(charts.today.breachesByHour.reduce((a, b) => a + b, 0)).toBe(board.team.slaBreaches);
    }
  });
});
