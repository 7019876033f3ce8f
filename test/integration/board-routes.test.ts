import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientCore, signIn } from '../../src/main/client/client-core';
import { parseBoardCharts } from '../../src/shared/board-charts';
import { uuidv7 } from '../../src/shared/ids';
import type { Lead } from '../../src/shared/lead';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import type { QueueRow } from '../../src/shared/priority';
import type { MutationArgs } from '../../src/shared/sync-protocol';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { RecordingNotifier } from '../helpers/recording-notifier';
import { serverScope } from '../helpers/server-fixture';
import {
  hotLead,
  PASSWORD,
  postLead,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * The team-lead board's HTTP side on a real server with a controllable clock: who may call
 * what (each endpoint's 401 / 403 / 404 first), the charts' parameters, the team queue and the
 * nurture pool, releasing a lead (live to both reps, SLA closed and restarted, re-routed without
 * the released rep, in fair and claim teams), reassigning from the pool, and one rep's queue
 * in exactly the order the rep's own client core shows it.
 */

// Tuesday 1 December 2026, 18:00 UTC (10:00 for the leads' Californian numbers).
const T0 = Date.parse('2026-12-01T18:00:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface Setup {
  readonly s: TestServer;
  readonly alpha: string;
  readonly beta: string;
  readonly ana: TestUser;
  readonly ben: TestUser;
  readonly cem: TestUser;
  readonly dan: TestUser;
  /** Alpha's team lead. */
  readonly lea: TestUser;
  /** Beta's team lead. */
  readonly oli: TestUser;
  readonly apiKey: string;
}

async function setup(): Promise<Setup> {
  const t = await scope.start({
    config: {
      routing: {
        requireOnline: false,
        rules: [{ name: 'germany', match: { countries: ['DE'] }, team: 'Beta' }],
      },
    },
    clock,
    teams: ['Alpha', 'Beta'],
    users: {
      ana: { role: 'rep', name: 'Ana' },
      ben: { role: 'rep', name: 'Ben' },
      cem: { role: 'rep', name: 'Cem', team: 'Beta' },
      dan: { role: 'rep', name: 'Dan', team: 'Beta' },
      lea: { role: 'lead', name: 'Lea' },
      oli: { role: 'lead', name: 'Oli', team: 'Beta' },
    },
  });
  const { Alpha: alpha = '', Beta: beta = '' } = t.teams;
  return { s: t.s, alpha, beta, ...t.users, apiKey: t.apiKey };
}

function call<T = Record<string, unknown>>(
  s: TestServer,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  return http<T>(method, `${s.url}${path}`, { token, ...(body !== undefined && { body }) });
}

async function lead(s: TestServer, id: string): Promise<Lead> {
  return (await call<{ lead: Lead }>(s, 'GET', `/api/v1/leads/${id}`, s.adminToken)).body.lead;
}

async function events(s: TestServer, id: string) {
  const res = await call<{
    events: { type: string; actorId: string | null; data: Record<string, unknown> }[];
  }>(s, 'GET', `/api/v1/leads/${id}/events`, s.adminToken);
  return res.body.events;
}

async function receiving(s: TestServer, user: TestUser, on: boolean): Promise<void> {
  const res = await call(s, 'PATCH', `/api/v1/users/${user.id}`, s.adminToken, {
    receivingLeads: on,
  });
  expect(res.status).toBe(200);
}

async function socket(s: TestServer, user: TestUser): Promise<LiveClient> {
  const client = await LiveClient.connect(s.url, user.token);
  scope.onClose(() => client.close());
  return client;
}

const mutations = new Map<string, { clientId: string; next: number }>();
async function logOutcome(
  s: TestServer,
  rep: TestUser,
  leadId: string,
  disposition: MutationArgs<'logOutcome'>['disposition'],
  extra: { reasonCode?: string; callbackAt?: number; occurredAt?: number } = {},
): Promise<void> {
  const client = mutations.get(rep.id) ?? { clientId: uuidv7(), next: 0 };
  mutations.set(rep.id, client);
  client.next += 1;
  const res = await call<{ results: { status: string }[] }>(
    s,
    'POST',
    '/api/v1/sync/push',
    rep.token,
    {
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
  );
  expect(res.body.results.map((r) => r.status)).toEqual(['applied']);
}

function fieldsOf(body: unknown): string[] {
  const details = (body as { error?: { details?: { fields?: { field: string }[] } } }).error
    ?.details;
  return (details?.fields ?? []).map((f) => f.field);
}

/** A lead below the sales-ready threshold: no signal, a free-mail address, no title. */
function nurtureLead(n: number) {
  return { source: 'web_form', name: `Cold Cal ${n}`, email: `cold.cal.${n}.${T0}@gmail.com` };
}

function revoked(client: LiveClient, leadId: string) {
  return client.next(
    (m: LiveServerMessage) => m.type === 'lead.revoked' && m.leadId === leadId,
  ) as Promise<Extract<LiveServerMessage, { type: 'lead.revoked' }>>;
}

function assigned(client: LiveClient, leadId: string) {
  return client.next(
    (m: LiveServerMessage) => m.type === 'lead.assigned' && m.lead.id === leadId,
  ) as Promise<Extract<LiveServerMessage, { type: 'lead.assigned' }>>;
}

describe('board endpoints: who may call them', () => {
  it('401 without a token, 403 for a rep, 404 for another team or nothing; leads and admins pass', async () => {
    const { s, alpha, ana, lea, oli, apiKey } = await setup();
    const held = (await postLead(s, apiKey, hotLead())).body.lead;
    const reads = [
      `/api/v1/teams/${alpha}/board/charts`,
      `/api/v1/teams/${alpha}/leads?status=unassigned`,
      `/api/v1/users/${ana.id}/queue`,
    ];
    for (const path of reads) {
      expect((await call(s, 'GET', path)).status, path).toBe(401);
      expect((await call(s, 'GET', path, ana.token)).status, path).toBe(403);
      expect((await call(s, 'GET', path, oli.token)).status, path).toBe(404);
      expect((await call(s, 'GET', path, lea.token)).status, path).toBe(200);
      expect((await call(s, 'GET', path, s.adminToken)).status, path).toBe(200);
    }
    const release = `/api/v1/leads/${held.id}/release`;
    expect((await call(s, 'POST', release)).status).toBe(401);
    expect((await call(s, 'POST', release, ana.token)).status).toBe(403);
    expect((await call(s, 'POST', release, oli.token)).status).toBe(404);
    // Refused requests wrote nothing.
    expect((await lead(s, held.id)).assignedTo).toBe(held.assignedTo);

    const unknown = uuidv7();
    for (const path of [
      `/api/v1/teams/${unknown}/board/charts`,
      `/api/v1/teams/${unknown}/leads?status=nurture`,
      `/api/v1/users/${unknown}/queue`,
    ]) {
      expect((await call(s, 'GET', path, s.adminToken)).status, path).toBe(404);
    }
    expect((await call(s, 'POST', `/api/v1/leads/${unknown}/release`, s.adminToken)).status).toBe(
      404,
    );
    // A team lead has no queue: 422 naming the id.
    const notRep = await call(s, 'GET', `/api/v1/users/${lea.id}/queue`, s.adminToken);
    expect(notRep.status).toBe(422);
    expect(fieldsOf(notRep.body)).toEqual(['id']);
  });
});

describe('charts', () => {
  it('the last days in the team zone, today last; days is checked by name', async () => {
    const { s, alpha, lea, apiKey } = await setup();
    for (const [query, field] of [
      ['days=0', 'days'],
      ['days=32', 'days'],
      ['days=two', 'days'],
      ['days=1.5', 'days'],
      ['weeks=2', ''],
    ] as const) {
      const res = await call(s, 'GET', `/api/v1/teams/${alpha}/board/charts?${query}`, lea.token);
      expect(res.status, query).toBe(422);
      if (field) expect(fieldsOf(res.body), query).toEqual([field]);
    }

    // A breach at 18:05 UTC (the default zone): hour 18 of today.
    await postLead(s, apiKey, hotLead());
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);
    const res = await call(s, 'GET', `/api/v1/teams/${alpha}/board/charts`, lea.token);
    expect(res.status).toBe(200);
    const charts = parseBoardCharts(res.body);
    if (!charts) throw new Error(`not charts: ${JSON.stringify(res.body)}`);
    expect(charts.zone).toBe('UTC');
    expect(charts.daily).toHaveLength(14);
    expect(charts.daily[0]?.day).toBe('2026-11-18');
    expect(charts.daily.at(-1)).toEqual({
      day: '2026-12-01',
      firstTouches: 0,
      speedToLeadP50Ms: null,
      speedToLeadP90Ms: null,
      slaBreaches: 1,
    });
    expect(charts.today.day).toBe('2026-12-01');
    expect(charts.today.speedToLeadMs).toEqual([]);
    expect(
      charts.today.breachesByHour.map((n, hour) => (n > 0 ? hour : -1)).filter((h) => h >= 0),
    ).toEqual([18]);

    const one = parseBoardCharts(
      (await call(s, 'GET', `/api/v1/teams/${alpha}/board/charts?days=1`, lea.token)).body,
    );
    expect(one?.daily.map((d) => d.day)).toEqual(['2026-12-01']);
  });
  it('past days come from SQLite too: a late-synced call from yesterday shows within 5 minutes', async () => {
    const { s, alpha, ana, ben, lea, apiKey } = await setup();
    const yesterday = T0 - 24 * 3_600_000;
    const reps = new Map([
      [ana.id, ana],
      [ben.id, ben],
    ]);
    // A lead that came in and went to a rep yesterday, called then (offline) and synced today:
    // a call is believed only after its lead's assignment, so the lead lands with the clock there.
    const lateCall = async (minutes: number) => {
      const today = now;
      now = yesterday;
      const posted = (await postLead(s, apiKey, hotLead())).body.lead;
      now = today;
      const rep = reps.get(posted.assignedTo ?? '');
      if (!rep) throw new Error('not routed');
      await logOutcome(s, rep, posted.id, 'no_answer', { occurredAt: yesterday + minutes * MIN });
    };
    const nov30 = async () => {
      const res = await call(s, 'GET', `/api/v1/teams/${alpha}/board/charts?days=2`, lea.token);
      return parseBoardCharts(res.body)?.daily[0];
    };
    await lateCall(10);
    expect(await nov30()).toMatchObject({
      day: '2026-11-30',
      firstTouches: 1,
      speedToLeadP50Ms: 10 * MIN,
    });
    await lateCall(20);
    now += 5 * MIN;
    expect(await nov30()).toMatchObject({
      firstTouches: 2,
      speedToLeadP50Ms: 10 * MIN,
      speedToLeadP90Ms: 20 * MIN,
    });
  });
});

describe('the team queue and the nurture pool', () => {
  it('lists each pool newest first, paged, as GET /api/v1/leads does for a team lead', async () => {
    const { s, alpha, beta, ana, ben, lea, oli, apiKey } = await setup();
    await receiving(s, ana, false);
    await receiving(s, ben, false);
    const waiting: string[] = [];
    for (let i = 0; i < 3; i++) waiting.push((await postLead(s, apiKey, hotLead())).body.lead.id);
    const nurture = (await postLead(s, apiKey, nurtureLead(1))).body.lead;
    expect(nurture.status).toBe('nurture');
    const german = (await postLead(s, apiKey, hotLead({ country: 'DE' }))).body.lead;
    expect(german.status).toBe('assigned');

    const pool = async (team: string, query: string, token = lea.token) =>
      call<{ leads: Lead[]; nextCursor: string | null }>(
        s,
        'GET',
        `/api/v1/teams/${team}/leads?${query}`,
        token,
      );
    const all = await pool(alpha, 'status=unassigned');
    expect(all.body.leads.map((l) => l.id)).toEqual([...waiting].reverse());
    const same = await call<{ leads: Lead[] }>(
      s,
      'GET',
      '/api/v1/leads?status=unassigned',
      lea.token,
    );
    expect(same.body.leads.map((l) => l.id)).toEqual(all.body.leads.map((l) => l.id));

    const first = await pool(alpha, 'status=unassigned&limit=2');
    expect(first.body.leads.map((l) => l.id)).toEqual([waiting[2], waiting[1]]);
    if (!first.body.nextCursor) throw new Error('no cursor');
    const second = await pool(alpha, `status=unassigned&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.leads.map((l) => l.id)).toEqual([waiting[0]]);
    expect(second.body.nextCursor).toBeNull();

    expect((await pool(alpha, 'status=nurture')).body.leads.map((l) => l.id)).toEqual([nurture.id]);
    expect((await pool(alpha, 'status=open')).body.leads).toEqual([]);
    expect((await pool(beta, 'status=open', oli.token)).body.leads.map((l) => l.id)).toEqual([
      german.id,
    ]);
    // An admin picks the team.
    expect((await pool(beta, 'status=open', s.adminToken)).body.leads.map((l) => l.id)).toEqual([
      german.id,
    ]);

    for (const [query, field] of [
      ['', 'status'],
      ['status=won', 'status'],
      ['status=unassigned&limit=0', 'limit'],
      ['status=unassigned&limit=201', 'limit'],
      ['status=unassigned&cursor=nope', 'cursor'],
    ] as const) {
      const res = await pool(alpha, query);
      expect(res.status, query).toBe(422);
      expect(fieldsOf(res.body), query).toEqual([field]);
    }
    expect((await pool(alpha, 'status=unassigned&teamId=x')).status).toBe(422);
  });
});

describe('reassign from the pool', () => {
  it('a waiting and a nurture lead go to a rep, live, and start their SLA ladder', async () => {
    const { s, ana, ben, lea, apiKey } = await setup();
    await receiving(s, ana, false);
    await receiving(s, ben, false);
    const anaLive = await socket(s, ana);
    const benLive = await socket(s, ben);
    const waiting = (await postLead(s, apiKey, hotLead())).body.lead;
    expect(waiting.status).toBe('unassigned');
    const nurture = (await postLead(s, apiKey, nurtureLead(2))).body.lead;

    const a = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${waiting.id}/reassign`,
      lea.token,
      {
        toUserId: ana.id,
      },
    );
    expect(a.status).toBe(200);
    expect(a.body.lead).toMatchObject({ status: 'assigned', assignedTo: ana.id });
    await assigned(anaLive, waiting.id);

    const b = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${nurture.id}/reassign`,
      lea.token,
      {
        toUserId: ben.id,
        note: 'asked for pricing on the phone',
      },
    );
    expect(b.status).toBe(200);
    expect(b.body.lead).toMatchObject({ status: 'assigned', assignedTo: ben.id });
    await assigned(benLive, nurture.id);
    const moved = (await events(s, nurture.id)).find((e) => e.type === 'reassigned');
    expect(moved?.data).toMatchObject({ from: null, to: ben.id, fromStatus: 'nurture' });

    // Their ladders run: the reminder at 60% of the tier's target (hot 5 min; the nurture lead
    // is cold, 4 h) reaches each new holder.
    now += 150 * MIN;
    await s.handle.escalations.runDue(now);
    for (const [id, rep] of [
      [waiting.id, ana.id],
      [nurture.id, ben.id],
    ] as const) {
      const steps = (await events(s, id)).filter((e) => e.type === 'escalation');
      expect(steps.map((e) => e.data.step)).toContain('remind_rep');
      expect(steps.find((e) => e.data.step === 'remind_rep')?.data.to).toBe(rep);
    }
  });

  it('a rep who sent a lead to nurture can be given it back; a won lead cannot move', async () => {
    const { s, ana, ben, lea, apiKey } = await setup();
    await receiving(s, ben, false);
    const anaLive = await socket(s, ana);
    const sent = (await postLead(s, apiKey, hotLead())).body.lead;
    const won = (await postLead(s, apiKey, hotLead())).body.lead;
    expect([sent.assignedTo, won.assignedTo]).toEqual([ana.id, ana.id]);
    await logOutcome(s, ana, sent.id, 'not_sales_ready', { reasonCode: 'researching' });
    expect(await lead(s, sent.id)).toMatchObject({ status: 'nurture', closeReason: 'researching' });
    await logOutcome(s, ana, won.id, 'qualified');

    const back = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${sent.id}/reassign`,
      lea.token,
      {
        toUserId: ana.id,
      },
    );
    expect(back.status).toBe(200);
    expect(back.body.lead).toMatchObject({
      status: 'working',
      assignedTo: ana.id,
      closeReason: null,
    });
    // Her app gets the lead again (its first message was the intake's assignment).
    await anaLive.next(
      (m: LiveServerMessage) =>
        m.type === 'lead.assigned' && m.lead.id === sent.id && m.lead.status === 'working',
    );
    expect(anaLive.messages.some((m) => m.type === 'lead.revoked' && m.leadId === sent.id)).toBe(
      false,
    );

    const refused = await call(s, 'POST', `/api/v1/leads/${won.id}/reassign`, lea.token, {
      toUserId: ana.id,
    });
    expect(refused.status).toBe(409);
  });
});

describe('release to the team queue', () => {
  it('revokes the rep live with the reason, closes the SLA steps, and routes to another rep', async () => {
    const { s, ana, ben, lea, apiKey } = await setup();
    const anaLive = await socket(s, ana);
    const benLive = await socket(s, ben);
    const posted = (await postLead(s, apiKey, hotLead())).body.lead;
    const from = posted.assignedTo;
    const to = from === ana.id ? ben.id : ana.id;
    now += MIN;

    const res = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${posted.id}/release`,
      lea.token,
      {
        note: 'out sick',
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({ status: 'assigned', assignedTo: to });
    const gone = await revoked(from === ana.id ? anaLive : benLive, posted.id);
    expect(gone.reason).toBe('released to the team queue by Lea: out sick');
    await assigned(to === ana.id ? anaLive : benLive, posted.id);

    const timeline = await events(s, posted.id);
    const released = timeline.find((e) => e.type === 'released');
    expect(released).toMatchObject({
      actorId: lea.id,
      data: { from, by: 'lead', note: 'out sick' },
    });
    expect(timeline.at(-1)).toMatchObject({ type: 'assigned', data: { to } });

    // The old hold's steps are closed; the new holder's ladder starts at the release.
    now += 3 * MIN; // 60% of 5 min after the release
    await s.handle.escalations.runDue(now);
    const steps = (await events(s, posted.id)).filter((e) => e.type === 'escalation');
    expect(steps.map((e) => [e.data.step, e.data.to])).toEqual([['remind_rep', to]]);

    // Only held leads can be released; a bad body is refused and writes nothing.
    const waiting = await call(s, 'POST', `/api/v1/leads/${posted.id}/release`, lea.token, {
      note: 'x'.repeat(501),
    });
    expect(waiting.status).toBe(422);
    expect(fieldsOf(waiting.body)).toEqual(['note']);
    expect(
      (await call(s, 'POST', `/api/v1/leads/${posted.id}/release`, lea.token, { why: 1 })).status,
    ).toBe(422);
    expect((await lead(s, posted.id)).assignedTo).toBe(to);
    await receiving(s, ana, false);
    await receiving(s, ben, false);
    const queued = (await postLead(s, apiKey, hotLead())).body.lead;
    const conflict = await call(s, 'POST', `/api/v1/leads/${queued.id}/release`, lea.token);
    expect(conflict.status).toBe(409);
  });

  it('a lead in the nurture pool comes back to sales: unassigned, then routed to a rep', async () => {
    const { s, ana, ben, lea, apiKey } = await setup();
    const anaLive = await socket(s, ana);
    const benLive = await socket(s, ben);
    const nurture = (await postLead(s, apiKey, nurtureLead(7))).body.lead;
    expect(nurture.status).toBe('nurture');
    const res = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${nurture.id}/release`,
      lea.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.lead.status).toBe('assigned');
    const to = res.body.lead.assignedTo;
    expect([ana.id, ben.id]).toContain(to);
    await assigned(to === ana.id ? anaLive : benLive, nurture.id);
    const released = (await events(s, nurture.id)).find((e) => e.type === 'released');
    expect(released).toMatchObject({
      actorId: lea.id,
      data: { from: null, fromNurture: true, by: 'lead' },
    });
  });

  it('waits when nobody else is eligible, and a worked lead stays worked when it moves on', async () => {
    const { s, alpha, ana, ben, lea, apiKey } = await setup();
    await receiving(s, ben, false);
    const posted = (await postLead(s, apiKey, hotLead())).body.lead;
    expect(posted.assignedTo).toBe(ana.id);
    await logOutcome(s, ana, posted.id, 'no_answer');

    // Ana is the only one receiving, and a release says "not Ana": it waits in the queue.
    const res = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${posted.id}/release`,
      s.adminToken,
    );
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({ status: 'unassigned', assignedTo: null });
    expect((await events(s, posted.id)).at(-1)).toMatchObject({ type: 'queued' });
    const pool = await call<{ leads: Lead[] }>(
      s,
      'GET',
      `/api/v1/teams/${alpha}/leads?status=unassigned`,
      lea.token,
    );
    expect(pool.body.leads.map((l) => l.id)).toEqual([posted.id]);

    // Ben starts receiving: the team's waiting leads are handed out, this one as worked.
    await receiving(s, ben, true);
    const after = await lead(s, posted.id);
    expect(after).toMatchObject({ assignedTo: ben.id, status: 'working', attempts: 1 });
  });

  it("a booked callback's alert follows the lead to its new rep", async () => {
    const { s, ana, ben, lea, apiKey } = await setup();
    await receiving(s, ben, false);
    const posted = (await postLead(s, apiKey, hotLead())).body.lead;
    await logOutcome(s, ana, posted.id, 'callback', { callbackAt: now + 60 * MIN });
    await receiving(s, ben, true);
    const anaLive = await socket(s, ana);
    const benLive = await socket(s, ben);
    const res = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${posted.id}/release`,
      lea.token,
    );
    expect(res.body.lead).toMatchObject({ assignedTo: ben.id, status: 'working' });
    now += 60 * MIN;
    await s.handle.escalations.runDue(now);
    const alert = await benLive.next(
      (m: LiveServerMessage) => m.type === 'lead.alert' && m.leadId === posted.id,
    );
    expect(alert).toMatchObject({ kind: 'callback_due' });
    expect(anaLive.messages.some((m) => m.type === 'lead.alert')).toBe(false);
  });

  it('in a claim team the release is offered to everyone eligible but the released rep', async () => {
    const { s, beta, cem, dan, oli, apiKey } = await setup();
    expect(
      (await call(s, 'PATCH', `/api/v1/teams/${beta}`, s.adminToken, { assignment: 'claim' }))
        .status,
    ).toBe(200);
    const posted = (await postLead(s, apiKey, hotLead({ country: 'DE' }))).body.lead;
    expect((await lead(s, posted.id)).offer).not.toBeNull();
    const claimed = await call(s, 'POST', `/api/v1/leads/${posted.id}/claim`, cem.token);
    expect(claimed.status).toBe(200);
    const danLive = await socket(s, dan);
    now += 1000;

    const res = await call<{ lead: Lead }>(
      s,
      'POST',
      `/api/v1/leads/${posted.id}/release`,
      oli.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({ status: 'unassigned', assignedTo: null });
    expect(res.body.lead.offer).not.toBeNull();
    const offered = (await events(s, posted.id)).filter((e) => e.type === 'offered').at(-1);
    expect(offered?.data.to).toEqual([dan.id]);
    expect((await assigned(danLive, posted.id)).lead.offer).not.toBeNull();
  });
});

describe("a rep's queue, read-only", () => {
  it("is the rep's own queue, in the order their client core shows it", async () => {
    const { s, ana, ben, lea, oli, apiKey } = await setup();
    await receiving(s, ben, false);
    // Four leads of different tiers and states for Ana.
    const hot = (await postLead(s, apiKey, hotLead())).body.lead;
    const cold = (
      await postLead(s, apiKey, hotLead({ title: 'Intern', signals: [{ type: 'contact_form' }] }))
    ).body.lead;
    expect(cold.tier).toBe('cold');
    const retried = (await postLead(s, apiKey, hotLead())).body.lead;
    const callback = (await postLead(s, apiKey, hotLead())).body.lead;
    for (const l of [hot, cold, retried, callback]) expect(l.assignedTo).toBe(ana.id);
    now += 2 * MIN;
    await logOutcome(s, ana, retried.id, 'no_answer');
    await logOutcome(s, ana, callback.id, 'callback', { callbackAt: now + 30 * MIN });
    now += 15 * MIN;

    const res = await call<{ items: { lead: Lead; row: QueueRow }[] }>(
      s,
      'GET',
      `/api/v1/users/${ana.id}/queue`,
      lea.token,
    );
    expect(res.status).toBe(200);

    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-queue-'));
    const core = await ClientCore.open({
      dataDir,
      serverUrl: s.url,
      session: await signIn(s.url, ana.email, PASSWORD),
      notifier: new RecordingNotifier(),
      clock,
    });
    scope.onClose(() => core.close());
    await eventually(async () => (await core.getQueue(now)).length >= 4, { timeout: 5000 });
    const theirs = (await core.getQueue(now)).map((item) => ({
      id: item.lead.id,
      rank: item.row.rank,
      section: item.row.section,
      reason: item.row.reason,
    }));
    expect(theirs).toHaveLength(4);
    expect(
      res.body.items.map((item) => ({
        id: item.lead.id,
        rank: item.row.rank,
        section: item.row.section,
        reason: item.row.reason,
      })),
    ).toEqual(theirs);
    expect(res.body.items.every((item) => item.lead.id === item.row.id)).toBe(true);

    // Another team's lead may not look; an admin may look at anyone's.
    expect((await call(s, 'GET', `/api/v1/users/${ana.id}/queue`, oli.token)).status).toBe(404);
    const admin = await call<{ items: unknown[] }>(
      s,
      'GET',
      `/api/v1/users/${ana.id}/queue`,
      s.adminToken,
    );
    expect(admin.body.items).toHaveLength(4);
  });
});
