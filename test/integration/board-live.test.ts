import { afterEach, describe, expect, it } from 'vitest';
import { applyBoardMessage, type BoardModel } from '../../src/shared/board-model';
import { type BoardServerMessage, parseBoardMessage } from '../../src/shared/board-protocol';
import { uuidv7 } from '../../src/shared/ids';
import type { MutationArgs } from '../../src/shared/sync-protocol';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { freePort } from '../helpers/ports';
import { serverScope } from '../helpers/server-fixture';
import {
  hotLead,
  login,
  PASSWORD,
  postLead,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * The live board on a real server with a controllable clock: a team lead's socket gets the
 * team's snapshot when it joins, then deltas as leads land, are worked and breach their SLA;
 * admins see every team; reps and other teams' leads never get a board message; a restart
 * rebuilds the same figures from the database.
 */

// Tuesday 1 December 2026, 15:00 UTC ("today" is read in UTC here).
const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

function boardMessages(client: LiveClient): BoardServerMessage[] {
  return client.messages.flatMap((m) => {
    const parsed = parseBoardMessage(m);
    return parsed ? [parsed] : [];
  });
}

/**
 * Waits (up to 2 s) until the client's board for the team passes `check`, and returns it: the
 * server sends after its commit, the socket delivers a moment later.
 */
async function boardWhen(
  client: LiveClient,
  teamId: string,
  check: (board: BoardModel) => void,
): Promise<BoardModel> {
  return eventually(
    () => {
      const board = boardOf(client, teamId);
      check(board);
      return board;
    },
    { timeout: 2000, interval: 10 },
  );
}

/** The team's board as the client holds it now: the snapshot with every delta laid over. */
function boardOf(client: LiveClient, teamId: string): BoardModel {
  let model: BoardModel | null = null;
  for (const message of boardMessages(client)) {
    if (message.teamId !== teamId) continue;
    const next = applyBoardMessage(model, message);
    if (next === 'resync') throw new Error('a delta was missed');
    model = next;
  }
  if (!model) throw new Error('no snapshot');
  return model;
}

function connect(s: TestServer, user: TestUser): Promise<LiveClient> {
  return scope.connect(s, user);
}

interface Setup {
  readonly s: TestServer;
  readonly teamId: string;
  readonly ana: TestUser;
  readonly lea: TestUser;
  readonly otherLead: TestUser;
  readonly apiKey: string;
}

async function setup(dataDir?: string, port?: number): Promise<Setup> {
  const t = await scope.start({
    config: { routing: { requireOnline: false }, ...(port && { server: { port } }) },
    clock,
    ...(dataDir && { dataDir }),
    teams: ['Board', 'Elsewhere'],
    users: {
      ana: { role: 'rep', name: 'Ana' },
      lea: { role: 'lead' },
      otherLead: { role: 'lead', email: 'oli@board.test', team: 'Elsewhere' },
    },
  });
  return { s: t.s, teamId: t.teamId, ...t.users, apiKey: t.apiKey };
}

let mutationId = 0;
let clientId = uuidv7();
async function logOutcome(
  s: TestServer,
  rep: TestUser,
  leadId: string,
  disposition: MutationArgs<'logOutcome'>['disposition'],
): Promise<void> {
  const res = await http('POST', `${s.url}/api/v1/sync/push`, {
    token: rep.token,
    body: {
      protocolVersion: 1,
      clientId,
      mutations: [
        {
          name: 'logOutcome',
          args: { outcomeId: uuidv7(), leadId, disposition },
          clientId,
          mutationId: ++mutationId,
          occurredAt: new Date(now).toISOString(),
        },
      ],
    },
  });
  expect(res.status).toBe(200);
}

describe('the live board', () => {
  it('a snapshot on connect, then deltas as leads land, are worked and breach; reps see none', async () => {
    const { s, teamId, ana, lea, otherLead, apiKey } = await setup();
    mutationId = 0;
    clientId = uuidv7();
    const leadSocket = await connect(s, lea);
    const repSocket = await connect(s, ana);
    const otherSocket = await connect(s, otherLead);

    await boardWhen(leadSocket, teamId, (board) => {
      expect(board.team).toMatchObject({ untouched: 0, openQueue: 0, attempts: 0 });
      expect(board.team.day).toBe('2026-12-01');
      expect(board.reps.get(ana.id)?.presence).toBe('receiving');
    });

    // A hot lead lands with Ana: untouched, at risk with its 5-minute target.
    const first = (await postLead(s, apiKey, hotLead({ name: 'First Fay' }))).body.lead;
    await boardWhen(leadSocket, teamId, (board) => {
      expect(board.team).toMatchObject({ untouched: 1, openQueue: 1 });
      expect(board.reps.get(ana.id)).toMatchObject({ untouched: 1, oldestUntouchedAt: T0 });
      expect(board.atRisk).toEqual([
        { leadId: first.id, repId: ana.id, tier: 'hot', receivedAt: T0, slaDueAt: T0 + 5 * MIN },
      ]);
    });

    // Called after 2 minutes, no answer: an attempt, the first touch (2 min), no longer at risk.
    now = T0 + 2 * MIN;
    await logOutcome(s, ana, first.id, 'no_answer');
    await boardWhen(leadSocket, teamId, (board) => {
      expect(board.reps.get(ana.id)).toMatchObject({
        attempts: 1,
        connects: 0,
        contactRate: 0,
        firstTouches: 1,
        speedToLeadP50Ms: 2 * MIN,
        untouched: 0,
        openQueue: 1,
      });
      expect(board.atRisk).toEqual([]);
    });

    // A second lead, reached after 4 minutes: two samples, nearest-rank p50 2 min, p90 4 min.
    const second = (await postLead(s, apiKey, hotLead({ name: 'Second Sam' }))).body.lead;
    now += 4 * MIN;
    await logOutcome(s, ana, second.id, 'meeting_booked');
    await boardWhen(leadSocket, teamId, (board) =>
      expect(board.team).toMatchObject({
        attempts: 2,
        connects: 1,
        contactRate: 0.5,
        meetingsBooked: 1,
        firstTouches: 2,
        speedToLeadP50Ms: 2 * MIN,
        speedToLeadP90Ms: 4 * MIN,
        openQueue: 1,
      }),
    );

    // A third lead nobody touches passes its target: the team lead's SLA step is a breach.
    const third = (await postLead(s, apiKey, hotLead({ name: 'Third Tim' }))).body.lead;
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);
    await boardWhen(leadSocket, teamId, (board) => {
      expect(board.team.slaBreaches).toBe(1);
      expect(board.reps.get(ana.id)?.slaBreaches).toBe(1);
      expect(board.atRisk.map((e) => e.leadId)).toEqual([third.id]);
    });

    await s.handle.board.settled();
    expect(boardMessages(repSocket)).toEqual([]);
    expect(boardMessages(otherSocket).length).toBeGreaterThan(0); // its own team's snapshot
    expect(boardMessages(otherSocket).every((m) => m.teamId !== teamId)).toBe(true);
  });

  it('admins see every team; a restart rebuilds the same board from the database', async () => {
    const port = await freePort();
    const { s, teamId, ana, apiKey } = await setup(undefined, port);
    mutationId = 0;
    clientId = uuidv7();
    const admin = await scope.connect(s, { token: s.adminToken });
    await boardWhen(admin, teamId, () => undefined);
    expect(new Set(boardMessages(admin).map((m) => m.teamId)).size).toBe(2);

    const lead = (await postLead(s, apiKey, hotLead())).body.lead;
    now += 3 * MIN;
    await logOutcome(s, ana, lead.id, 'callback');
    const untouched = (await postLead(s, apiKey, hotLead())).body.lead;
    const before = await boardWhen(admin, teamId, (board) =>
      expect(board.team).toMatchObject({ attempts: 1, connects: 1, untouched: 1, openQueue: 2 }),
    );

    admin.close();
    const again = await scope.restart(
      s,
      { routing: { requireOnline: false }, server: { port } },
      { clock },
    );
    const watcher = await scope.connect(again, {
      token: await login(again.url, 'lea@board.test', PASSWORD),
    });
    const after = await boardWhen(watcher, teamId, () => undefined);
    expect(after.team).toEqual(before.team);
    // Every figure but when the presence began (a restart cannot know it: it reads as now).
    const figures = (board: BoardModel) =>
      [...board.reps.values()].map(({ presenceSince: _since, ...rest }) => rest);
    expect(figures(after)).toEqual(figures(before));
    expect(after.atRisk.map((e) => e.leadId)).toEqual([untouched.id]);
  });
});
