import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwayPeriod } from '../../src/shared/away';
import { uuidv7 } from '../../src/shared/ids';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import { http } from '../helpers/http';
import type { LiveClient } from '../helpers/live-client';
import { pullAll, PushClient, viewOf } from '../helpers/sync-client';
import { eventually } from '../helpers/eventually';
import { serverScope } from '../helpers/server-fixture';
import { hotLead, postLead, type TestServer, type TestUser } from '../helpers/test-server';

/*
 * Away periods on a real server with the test's clock: while away a rep gets no leads and no
 * offers; at the start their untouched leads go to teammates (or back to the team queue), their
 * callbacks stay unless configured; at the end they rejoin level with the team (no flood). Start
 * and end run once each on the durable scheduler, across restarts too.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;
const isoAt = (ms: number) => new Date(ms).toISOString();

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface AwayTeam {
  readonly s: TestServer;
  readonly teamId: string;
  readonly ana: TestUser;
  readonly ben: TestUser;
  readonly cai: TestUser;
  readonly lea: TestUser;
  /** A rep and a team lead of another team. */
  readonly oz: TestUser;
  readonly olga: TestUser;
  readonly apiKey: string;
}

/** The "Away" team (the oldest, so every posted lead's) with three reps, nobody connected yet. */
async function setup(overrides: Record<string, unknown> = {}, dataDir?: string): Promise<AwayTeam> {
  const rep = (name: string, team = 'Away') =>
    ({ role: 'rep', name, team, capacity: 200 }) as const;
  const t = await scope.start({
    config: overrides,
    clock,
    ...(dataDir && { dataDir }),
    teams: ['Away', 'Other'],
    users: {
      ana: rep('Ana'),
      ben: rep('Ben'),
      cai: rep('Cai'),
      lea: { role: 'lead', name: 'Lea' },
      oz: rep('Oz', 'Other'),
      olga: { role: 'lead', email: 'olga@away.test', team: 'Other' },
    },
  });
  return { s: t.s, teamId: t.teamId, ...t.users, apiKey: t.apiKey };
}

function connect(s: TestServer, user: TestUser): Promise<LiveClient> {
  return scope.connect(s, user);
}

function setAway(s: TestServer, token: string, userId: string, body: unknown) {
  return http<{
    away: AwayPeriod;
    error: { code: string; details: { fields: { field: string; message: string }[] } };
  }>('PUT', `${s.url}/api/v1/users/${userId}/away`, { token, body });
}

async function getAway(s: TestServer, userId: string): Promise<AwayPeriod | null> {
  const res = await http<{ away: AwayPeriod | null }>(
    'GET',
    `${s.url}/api/v1/users/${userId}/away`,
    { token: s.adminToken },
  );
  expect(res.status).toBe(200);
  return res.body.away;
}

interface Lead {
  id: string;
  status: string;
  assignedTo: string | null;
}

async function leadOf(s: TestServer, leadId: string): Promise<Lead> {
  const res = await http<{ lead: Lead }>('GET', `${s.url}/api/v1/leads/${leadId}`, {
    token: s.adminToken,
  });
  return res.body.lead;
}

async function eventsOf(s: TestServer, leadId: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}/events`,
    { token: s.adminToken },
  );
  return res.body.events;
}

async function post(t: AwayTeam): Promise<Lead> {
  const res = await postLead(t.s, t.apiKey, hotLead());
  expect(res.status).toBe(201);
  return res.body.lead;
}

/** Ana, alone online, gets three leads: one she leaves untouched, one with a callback, one worked. */
async function anaHoldsThree(t: AwayTeam) {
  const anaLive = await connect(t.s, t.ana);
  const untouched = await post(t);
  const callback = await post(t);
  const worked = await post(t);
  for (const l of [untouched, callback, worked]) expect(l.assignedTo).toBe(t.ana.id);
  const client = new PushClient(t.s.url, t.ana.token, clock);
  expect(
    (
      await client.push({
        name: 'scheduleCallback',
        args: { callbackId: uuidv7(), leadId: callback.id, at: isoAt(T0 + 90 * MIN) },
      })
    ).status,
  ).toBe('applied');
  expect(
    (
      await client.push({
        name: 'logOutcome',
        args: { outcomeId: uuidv7(), leadId: worked.id, disposition: 'no_answer' },
      })
    ).status,
  ).toBe('applied');
  return { anaLive, untouched, callback, worked };
}

const revokedMsg = (leadId: string) => (m: LiveServerMessage) =>
  m.type === 'lead.revoked' && m.leadId === leadId;
const assignedMsg = (leadId: string) => (m: LiveServerMessage) =>
  m.type === 'lead.assigned' && m.lead.id === leadId;

describe('away periods: who may set them, and what is valid', () => {
  it('401; a rep for anyone but themselves 403; another team’s lead 404; 422 for a non-rep', async () => {
    const t = await setup();
    const body = { until: isoAt(T0 + 60 * MIN) };
    const url = `${t.s.url}/api/v1/users/${t.ana.id}/away`;
    expect((await http('PUT', url, { body })).status).toBe(401);
    expect((await http('DELETE', url)).status).toBe(401);
    // A rep cannot mark a teammate, nor another team's rep, away.
    expect((await setAway(t.s, t.ben.token, t.ana.id, body)).status).toBe(403);
    expect((await setAway(t.s, t.oz.token, t.ana.id, body)).status).toBe(403);
    expect((await setAway(t.s, t.ana.token, t.oz.id, body)).status).toBe(403);
    // Another team's lead does not see her at all; nor does anyone see an unknown user.
    const foreign = await setAway(t.s, t.olga.token, t.ana.id, body);
    const unknown = await setAway(t.s, t.s.adminToken, uuidv7(), body);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    const notRep = await setAway(t.s, t.s.adminToken, t.lea.id, body);
    expect(notRep.status).toBe(422);
    expect(notRep.body.error.details.fields.map((f) => f.field)).toEqual(['id']);
    expect(await getAway(t.s, t.ana.id)).toBeNull();

    // Herself, her team's lead, an admin: yes.
    expect((await setAway(t.s, t.ana.token, 'me', body)).status).toBe(200);
    expect(
      (await setAway(t.s, t.lea.token, t.ana.id, { ...body, reason: 'training' })).body.away.reason,
    ).toBe('training');
    const byAdmin = await setAway(t.s, t.s.adminToken, t.ana.id, body);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.away).toMatchObject({
      userId: t.ana.id,
      from: isoAt(T0),
      until: isoAt(T0 + 60 * MIN),
      reason: 'training',
      startedAt: isoAt(T0),
      endedAt: null,
    });
    const ended = await http<{ away: AwayPeriod }>('DELETE', url, { token: t.lea.token });
    expect(ended.status).toBe(200);
    expect(ended.body.away.endedAt).toBe(isoAt(T0));
    expect((await http('DELETE', url, { token: t.lea.token })).status).toBe(404);
  });

  it('validation errors name the field and write nothing', async () => {
    const t = await setup();
    const cases: [unknown, string[]][] = [
      [{}, ['until']],
      [{ until: 'tomorrow' }, ['until']],
      [{ until: isoAt(T0 + MIN), from: '12:00' }, ['from']],
      [{ until: isoAt(T0 + MIN), reason: '' }, ['reason']],
      [{ until: isoAt(T0 + MIN), why: 'x' }, ['why']],
      [{ from: isoAt(T0 + 60 * MIN), until: isoAt(T0 + 30 * MIN) }, ['until']],
      [{ from: isoAt(T0 - 60 * MIN), until: isoAt(T0 - 30 * MIN) }, ['until']],
      [{ until: isoAt(T0 + 400 * 24 * 60 * MIN) }, ['until']],
    ];
    for (const [body, fields] of cases) {
      const res = await setAway(t.s, t.s.adminToken, t.ana.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.fields.map((f) => f.field)).toEqual(fields);
    }
    expect(await getAway(t.s, t.ana.id)).toBeNull();
    // Nobody was benched: Ana still gets leads.
    await connect(t.s, t.ana);
    expect((await post(t)).assignedTo).toBe(t.ana.id);
  });
});

describe('away periods: the start', () => {
  it('hands the untouched lead to a teammate, keeps callbacks and worked leads, and tells both reps', async () => {
    const t = await setup();
    const { anaLive, untouched, callback, worked } = await anaHoldsThree(t);
    const { cursor } = await pullAll(t.s.url, t.ana.token);
    const benLive = await connect(t.s, t.ben);
    const caiLive = await connect(t.s, t.cai);

    const res = await setAway(t.s, t.ana.token, t.ana.id, {
      until: isoAt(T0 + 120 * MIN),
      reason: 'dentist',
    });
    expect(res.status).toBe(200);
    expect(res.body.away.startedAt).toBe(isoAt(T0));
    expect(res.body.away.startResult).toBe(
      'moved 1 lead, 0 back to the team queue, kept 2, withdrew 0 offers',
    );

    const moved = await leadOf(t.s, untouched.id);
    expect([t.ben.id, t.cai.id]).toContain(moved.assignedTo);
    expect(moved.status).toBe('assigned');
    expect((await leadOf(t.s, callback.id)).assignedTo).toBe(t.ana.id);
    expect((await leadOf(t.s, worked.id)).assignedTo).toBe(t.ana.id);
    const reassigned = (await eventsOf(t.s, untouched.id)).filter((e) => e.type === 'reassigned');
    expect(reassigned).toHaveLength(1);
    expect(reassigned[0]?.data).toMatchObject({ from: t.ana.id, to: moved.assignedTo, by: 'away' });

    // Ana: revoked live and in her pull; the new holder: assigned live with the reason.
    const gone = await anaLive.next(revokedMsg(untouched.id));
    expect(gone.type === 'lead.revoked' && gone.reason).toMatch(
      /^you are away until 2026-12-01T17:00:00.000Z; moved to (Ben|Cai)$/,
    );
    expect(
      viewOf((await pullAll(t.s.url, t.ana.token, cursor)).changes).revoked.has(untouched.id),
    ).toBe(true);
    const holderLive = moved.assignedTo === t.ben.id ? benLive : caiLive;
    const got = await holderLive.next(assignedMsg(untouched.id));
    expect(got.type === 'lead.assigned' && got.reason).toMatch(/^Ana is away until/);

    // While away she gets nothing new; her teammates share it.
    for (let i = 0; i < 6; i++) expect((await post(t)).assignedTo).not.toBe(t.ana.id);
  });

  it('with lifecycle.away.moveCallbacks, callbacks and worked leads move too, and the callback alerts the new rep', async () => {
    const t = await setup({ lifecycle: { away: { moveCallbacks: true } } });
    const { callback, worked } = await anaHoldsThree(t);
    const benLive = await connect(t.s, t.ben);
    const res = await setAway(t.s, t.s.adminToken, t.ana.id, { until: isoAt(T0 + 300 * MIN) });
    expect(res.body.away.startResult).toMatch(/^moved 3 leads, 0 back to the team queue, kept 0/);
    // Ben is the only other rep online: he has them all, the worked one still worked.
    expect(await leadOf(t.s, callback.id)).toMatchObject({
      assignedTo: t.ben.id,
      status: 'assigned',
    });
    expect(await leadOf(t.s, worked.id)).toMatchObject({ assignedTo: t.ben.id, status: 'working' });
    now = T0 + 90 * MIN;
    await t.s.handle.escalations.runDue(now);
    const due = await benLive.next(
      (m) => m.type === 'lead.alert' && m.kind === 'callback_due' && m.leadId === callback.id,
    );
    expect(due.type === 'lead.alert' && due.text).toMatch(/^Callback due/);
  });

  it('with nobody eligible the untouched lead goes back to the team queue, and to the next rep who connects', async () => {
    const t = await setup();
    const { untouched } = await anaHoldsThree(t);
    const res = await setAway(t.s, t.ana.token, t.ana.id, { until: isoAt(T0 + 60 * MIN) });
    expect(res.body.away.startResult).toMatch(/^moved 0 leads, 1 back to the team queue, kept 2/);
    expect(await leadOf(t.s, untouched.id)).toMatchObject({
      status: 'unassigned',
      assignedTo: null,
    });
    expect((await eventsOf(t.s, untouched.id)).at(-1)?.type).toBe('released');
    const caiLive = await connect(t.s, t.cai);
    await caiLive.next(assignedMsg(untouched.id));
    expect((await leadOf(t.s, untouched.id)).assignedTo).toBe(t.cai.id);
  });

  it('withdraws the rep’s open offers in a claim team; she can no longer claim them', async () => {
    const t = await setup();
    const patched = await http('PATCH', `${t.s.url}/api/v1/teams/${t.teamId}`, {
      token: t.s.adminToken,
      body: { assignment: 'claim' },
    });
    expect(patched.status).toBe(200);
    const anaLive = await connect(t.s, t.ana);
    await connect(t.s, t.ben);
    const offered = await post(t);
    await anaLive.next(assignedMsg(offered.id));
    const res = await setAway(t.s, t.ana.token, t.ana.id, { until: isoAt(T0 + 60 * MIN) });
    expect(res.body.away.startResult).toMatch(/withdrew 1 offer$/);
    await anaLive.next(revokedMsg(offered.id));
    expect(viewOf((await pullAll(t.s.url, t.ana.token)).changes).leads.has(offered.id)).toBe(false);
    const claim = await http<{ error: { code: string } }>(
      'POST',
      `${t.s.url}/api/v1/leads/${offered.id}/claim`,
      { token: t.ana.token },
    );
    expect(claim.status).toBe(409);
    expect(claim.body.error.code).toBe('offer_expired');
    // Ben's offer runs on, and a lead posted now is offered to Ben alone.
    expect(
      (await http('POST', `${t.s.url}/api/v1/leads/${offered.id}/claim`, { token: t.ben.token }))
        .status,
    ).toBe(200);
    const next = await post(t);
    const events = await eventsOf(t.s, next.id);
    expect(events.find((e) => e.type === 'offered')?.data['to']).toEqual([t.ben.id]);
  });
});

describe('away periods: on the durable scheduler', () => {
  it('a future period starts and ends once each, across restarts, and never twice', async () => {
    // Everyone eligible without a socket, and an SLA that stays out of the way.
    const overrides = {
      routing: { requireOnline: false },
      lifecycle: { sla: { targetsMinutes: { hot: 10_000 } } },
    };
    const first = await setup(overrides);
    const { s } = first;
    for (const rep of [first.ben, first.cai]) {
      await http('PATCH', `${s.url}/api/v1/users/${rep.id}`, {
        token: s.adminToken,
        body: { receivingLeads: false },
      });
    }
    const lead = await post(first);
    expect(lead.assignedTo).toBe(first.ana.id);
    for (const rep of [first.ben, first.cai]) {
      await http('PATCH', `${s.url}/api/v1/users/${rep.id}`, {
        token: s.adminToken,
        body: { receivingLeads: true },
      });
    }
    const set = await setAway(s, first.ana.token, first.ana.id, {
      from: isoAt(T0 + 10 * MIN),
      until: isoAt(T0 + 60 * MIN),
    });
    expect(set.body.away.startedAt).toBeNull();
    expect(await s.handle.escalations.runDue(T0 + 9 * MIN)).toBe(0);
    expect((await leadOf(s, lead.id)).assignedTo).toBe(first.ana.id);

    // Down through the start: it runs once the server is back.
    await s.stop({ keepData: true });
    now = T0 + 15 * MIN;
    const second = await scope.restart(s, overrides, { clock });
    await eventually(async () => (await getAway(second, first.ana.id))?.startedAt === isoAt(now));
    expect(await second.handle.escalations.runDue(now)).toBe(0);
    const moved = await leadOf(second, lead.id);
    expect([first.ben.id, first.cai.id]).toContain(moved.assignedTo);
    const awayMoves = () =>
      eventsOf(second, lead.id).then((es) =>
        es.filter((e) => e.type === 'reassigned' && e.data['by'] === 'away'),
      );
    expect(await awayMoves()).toHaveLength(1);

    // Down through the end: it too runs once at start, and not again.
    await second.stop({ keepData: true });
    now = T0 + 70 * MIN;
    const third = await scope.restart(second, overrides, { clock });
    await eventually(async () => (await getAway(third, first.ana.id))?.endedAt === isoAt(now));
    expect(await third.handle.escalations.runDue(now + MIN)).toBe(0);
    const period = await getAway(third, first.ana.id);
    expect(period?.startedAt).toBe(isoAt(T0 + 15 * MIN));
    expect(period?.endResult).toMatch(/^back; fairness pass/);
  });

  it('a period set from the admin CLI is started by the running server', async () => {
    // The CLI checks times against the real clock: a test time safely in the future.
    const LATER = Date.parse('2035-01-01T09:00:00.000Z');
    now = LATER;
    const t = await setup();
    await connect(t.s, t.ana);
    await connect(t.s, t.ben);
    const lead = await post(t);
    const holder = lead.assignedTo === t.ana.id ? t.ana : t.ben;
    const configFile = join(t.s.dataDir, 'cli.json');
    writeFileSync(configFile, JSON.stringify({ auth: { scrypt: { N: 1024 } } }));
    const run = await cli(
      t.s.dataDir,
      configFile,
      'users',
      'away',
      '--email',
      holder.email,
      '--from',
      isoAt(LATER),
      '--until',
      isoAt(LATER + 60 * MIN),
      '--reason',
      'offsite',
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const stored = (JSON.parse(run.stdout) as { away: AwayPeriod }).away;
    expect(stored).toMatchObject({ reason: 'offsite', startedAt: null, createdBy: null });
    // Away at once for routing (the times decide), and started when the scheduler runs.
    expect((await post(t)).assignedTo).not.toBe(holder.id);
    expect(await t.s.handle.escalations.runDue(now)).toBe(1);
    expect((await getAway(t.s, holder.id))?.startedAt).toBe(isoAt(now));
    expect((await leadOf(t.s, lead.id)).assignedTo).not.toBe(holder.id);

    const bad = await cli(
      t.s.dataDir,
      configFile,
      'users',
      'away',
      '--email',
      holder.email,
      '--until',
      'soon',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--until: must be an ISO 8601 date-time/);
  }, 60_000);
});

describe('away periods: the return', () => {
  it('no flood: back early, the rep takes about a third of the next leads among three', async () => {
    const t = await setup();
    for (const rep of [t.ana, t.ben, t.cai]) await connect(t.s, rep);
    const away = await setAway(t.s, t.ana.token, t.ana.id, { until: isoAt(T0 + 8 * 60 * MIN) });
    expect(away.status).toBe(200);
    const count = (leads: Lead[]) => {
      const by = new Map<string | null, number>();
      for (const l of leads) by.set(l.assignedTo, (by.get(l.assignedTo) ?? 0) + 1);
      return by;
    };
    const during: Lead[] = [];
    for (let i = 0; i < 30; i++) during.push(await post(t));
    const whileAway = count(during);
    expect(whileAway.get(t.ana.id) ?? 0).toBe(0);
    expect(whileAway.get(t.ben.id)).toBe(15);
    expect(whileAway.get(t.cai.id)).toBe(15);

    now = T0 + 60 * MIN;
    const back = await http<{ away: AwayPeriod }>('DELETE', `${t.s.url}/api/v1/users/me/away`, {
      token: t.ana.token,
    });
    expect(back.status).toBe(200);
    expect(back.body.away.endedAt).toBe(isoAt(now));
    expect(back.body.away.endResult).toMatch(/^back; fairness pass/);

    const after: Lead[] = [];
    for (let i = 0; i < 30; i++) after.push(await post(t));
    const shares = count(after);
    for (const rep of [t.ana, t.ben, t.cai]) {
      expect(shares.get(rep.id) ?? 0).toBeGreaterThanOrEqual(9);
      expect(shares.get(rep.id) ?? 0).toBeLessThanOrEqual(11);
    }
    // ...and not in a run at the start: her first three are spread over the first ten.
    const firstTen = after.slice(0, 10).filter((l) => l.assignedTo === t.ana.id).length;
    expect(firstTen).toBeLessThanOrEqual(4);
  });
});

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

/** The real admin CLI as its own process, over the running server's database. */
function cli(
  dataDir: string,
  configFile: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['sync-server/src/cli/admin.ts', ...args, '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, POUNCE_DATA_DIR: dataDir, POUNCE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`admin ${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
