import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { LiveServerMessage } from '../../src/shared/live-protocol';
import type { Mutation } from '../../src/shared/sync-protocol';
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
 * The SLA escalation ladder on a real server with a controllable clock (no sleeping): the rep is
 * reminded at 60% of the first-touch target, the team lead is told at the target, the lead moves
 * to the next eligible rep at twice it, and both reps are told. Deadlines live in the database:
 * a restart neither loses nor repeats a step.
 */

const T0 = Date.parse('2026-12-01T15:00:00.000Z');
const MIN = 60_000;
let now = T0;
const clock = () => now;

const scope = serverScope();
afterEach(() => {
  now = T0;
});

interface Team {
  readonly s: TestServer;
  readonly ana: TestUser;
  readonly ben: TestUser;
  readonly lead: TestUser;
  readonly apiKey: string;
  readonly live: { ana: LiveClient; ben: LiveClient; lead: LiveClient };
}

async function setup(overrides: Record<string, unknown> = {}, dataDir?: string): Promise<Team> {
  const t = await scope.start({
    config: overrides,
    clock,
    ...(dataDir && { dataDir }),
    teams: ['Escalation'],
    users: {
      ana: { role: 'rep', name: 'Ana', live: true },
      ben: { role: 'rep', name: 'Ben', live: true },
      lead: { role: 'lead', name: 'Lea Lead', live: true },
    },
  });
  return { s: t.s, ...t.users, apiKey: t.apiKey, live: t.live };
}

async function events(s: TestServer, leadId: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}/events`,
    { token: s.adminToken },
  );
  return res.body.events;
}

async function leadOf(s: TestServer, leadId: string) {
  const res = await http<{ lead: { assignedTo: string | null; status: string } }>(
    'GET',
    `${s.url}/api/v1/leads/${leadId}`,
    { token: s.adminToken },
  );
  return res.body.lead;
}

const alertsOf = (c: LiveClient, leadId: string) =>
  c.messages.filter(
    (m): m is Extract<LiveServerMessage, { type: 'lead.alert' }> =>
      m.type === 'lead.alert' && m.leadId === leadId,
  );

/** Advances the server's clock and runs what fell due (what the server's timer would do). */
async function at(s: TestServer, minutes: number): Promise<number> {
  now = T0 + minutes * MIN;
  return s.handle.escalations.runDue(now);
}

describe('SLA escalation ladder', () => {
  it('reminds the rep, tells the team lead, then moves the lead and tells both reps', async () => {
    const { s, ana, ben, apiKey, live } = await setup();
    const posted = await postLead(s, apiKey, hotLead({ name: 'Untouched Ursula' }));
    const leadId = posted.body.lead.id;
    const first = posted.body.lead.assignedTo;
    const [holder, other, holderLive, otherLive] =
      first === ana.id ? [ana, ben, live.ana, live.ben] : [ben, ana, live.ben, live.ana];
    expect(first).toBe(holder.id);

    expect(await at(s, 2.9)).toBe(0); // nothing due before 60% of the 5-minute target
    expect(await at(s, 3)).toBe(1);
    await holderLive.next((m) => m.type === 'lead.alert' && m.kind === 'sla_reminder');
    expect(alertsOf(holderLive, leadId).map((a) => a.text)).toEqual([
      'Hot lead untouched for 3 min: call now',
    ]);
    expect(alertsOf(live.lead, leadId)).toEqual([]);

    expect(await at(s, 5)).toBe(1);
    await live.lead.next((m) => m.type === 'lead.alert' && m.kind === 'sla_breach');
    expect(alertsOf(live.lead, leadId)[0]?.text).toMatch(/past its first-touch target/);

    expect(await at(s, 10)).toBe(1);
    await holderLive.next((m) => m.type === 'lead.revoked' && m.leadId === leadId);
    await holderLive.next((m) => m.type === 'lead.alert' && m.kind === 'sla_reassigned');
    const assigned = await otherLive.next(
      (m) => m.type === 'lead.assigned' && m.lead.id === leadId,
    );
    expect(assigned.type === 'lead.assigned' && assigned.reason).toMatch(
      /^SLA: untouched too long/,
    );
    expect((await leadOf(s, leadId)).assignedTo).toBe(other.id);

    // Every step is on the lead's record.
    const record = (await events(s, leadId)).filter(
      (e) => e.type === 'escalation' || e.type === 'reassigned',
    );
    expect(record.map((e) => [e.type, e.data['step'] ?? e.data['by']])).toEqual([
      ['escalation', 'remind_rep'],
      ['escalation', 'alert_lead'],
      ['reassigned', 'sla'],
    ]);

    // The new rep's own ladder starts at the reassignment: reminded 3 minutes later.
    expect(await at(s, 12.9)).toBe(0);
    expect(await at(s, 13)).toBe(1);
    await otherLive.next((m) => m.type === 'lead.alert' && m.kind === 'sla_reminder');
    // Nothing more for the first rep, and nothing twice.
    expect(await at(s, 13)).toBe(0);
    expect(alertsOf(holderLive, leadId).map((a) => a.kind)).toEqual([
      'sla_reminder',
      'sla_reassigned',
    ]);
  });

  it('a touched lead escalates no further', async () => {
    const { s, ana, ben, apiKey, live } = await setup();
    const posted = await postLead(s, apiKey, hotLead({ name: 'Called Carl' }));
    const leadId = posted.body.lead.id;
    const holder = posted.body.lead.assignedTo === ana.id ? ana : ben;
    const holderLive = holder === ana ? live.ana : live.ben;
    expect(await at(s, 3)).toBe(1);

    now = T0 + 4 * MIN;
    const clientId = uuidv7();
    const mutation: Mutation = {
      clientId,
      mutationId: 1,
      name: 'logOutcome',
      args: { outcomeId: uuidv7(), leadId, disposition: 'no_answer' },
      occurredAt: new Date(now).toISOString(),
    };
    const pushed = await http('POST', `${s.url}/api/v1/sync/push`, {
      token: holder.token,
      body: { protocolVersion: 1, clientId, mutations: [mutation] },
    });
    expect(pushed.status).toBe(200);

    expect(await at(s, 60)).toBe(0);
    expect((await leadOf(s, leadId)).assignedTo).toBe(holder.id);
    expect(alertsOf(holderLive, leadId).map((a) => a.kind)).toEqual(['sla_reminder']);
    expect(alertsOf(live.lead, leadId)).toEqual([]);
  });

  it('deadlines survive a restart: a step due while down runs once at start, never twice', async () => {
    const port = await freePort();
    const first = await setup({ server: { port } });
    const { s, apiKey } = first;
    const posted = await postLead(s, apiKey, hotLead({ name: 'Restart Rosa' }));
    const leadId = posted.body.lead.id;
    const holderEmail =
      posted.body.lead.assignedTo === first.ana.id ? first.ana.email : first.ben.email;
    expect(await at(s, 3)).toBe(1); // the reminder ran before the restart

    for (const c of Object.values(first.live)) c.close();
    await s.stop({ keepData: true });
    now = T0 + 6 * MIN; // the team lead's step fell due while the server was down

    const again = await scope.restart(s, { server: { port } }, { clock });
    const holderLive = await scope.connect(again, {
      token: await login(again.url, holderEmail, PASSWORD),
    });

    // At start the server finds the overdue step and runs it on its own, once.
    await eventually(async () => {
      const steps = (await events(again, leadId)).filter((e) => e.type === 'escalation');
      expect(steps.map((e) => e.data['step'])).toEqual(['remind_rep', 'alert_lead']);
    });
    expect(await again.handle.escalations.runDue(now)).toBe(0);
    // The reminder that ran before the restart was not sent again.
    expect(alertsOf(holderLive, leadId)).toEqual([]);
    const steps = (await events(again, leadId)).filter((e) => e.type === 'escalation');
    expect(steps.map((e) => e.data['step'])).toEqual(['remind_rep', 'alert_lead']);
  });

  it('follows the configured targets and shares', async () => {
    const { s, apiKey, live, ana } = await setup({
      lifecycle: { sla: { targetsMinutes: { hot: 10 }, remindAtShare: 0.5 } },
    });
    const posted = await postLead(s, apiKey, hotLead({ name: 'Config Cora' }));
    const holderLive = posted.body.lead.assignedTo === ana.id ? live.ana : live.ben;
    expect(await at(s, 4.9)).toBe(0);
    expect(await at(s, 5)).toBe(1);
    await holderLive.next((m) => m.type === 'lead.alert' && m.kind === 'sla_reminder');
  });

  it('a callback the rep booked alerts them when it falls due; a moved callback only at its new time', async () => {
    const { s, ana, ben, apiKey, live } = await setup();
    const posted = await postLead(
      s,
      apiKey,
      hotLead({ name: 'Callback Cleo', company: 'Cleo Co' }),
    );
    const leadId = posted.body.lead.id;
    const holder = posted.body.lead.assignedTo === ana.id ? ana : ben;
    const holderLive = holder === ana ? live.ana : live.ben;
    const clientId = uuidv7();
    let mutationId = 0;
    const push = (m: Omit<Mutation, 'clientId' | 'mutationId' | 'occurredAt'>) =>
      http('POST', `${s.url}/api/v1/sync/push`, {
        token: holder.token,
        body: {
          protocolVersion: 1,
          clientId,
          mutations: [
            { ...m, clientId, mutationId: ++mutationId, occurredAt: new Date(now).toISOString() },
          ],
        },
      });

    now = T0 + MIN;
    // Connected, asked to be called back in an hour.
    expect(
      (
        await push({
          name: 'logOutcome',
          args: {
            outcomeId: uuidv7(),
            leadId,
            disposition: 'callback',
            callbackAt: new Date(T0 + 61 * MIN).toISOString(),
          },
        })
      ).status,
    ).toBe(200);
    // ...then moved to half an hour later.
    expect(
      (
        await push({
          name: 'scheduleCallback',
          args: { callbackId: uuidv7(), leadId, at: new Date(T0 + 91 * MIN).toISOString() },
        })
      ).status,
    ).toBe(200);

    expect(await at(s, 61)).toBe(0); // moving the callback cancelled its first alert
    expect(alertsOf(holderLive, leadId)).toEqual([]);
    expect(await at(s, 91)).toBe(1);
    const due = await holderLive.next((m) => m.type === 'lead.alert' && m.kind === 'callback_due');
    expect(due.type === 'lead.alert' && due.text).toBe('Callback due: Callback Cleo (Cleo Co)');
    expect(await at(s, 200)).toBe(0);
    expect(alertsOf(holderLive, leadId).map((a) => a.kind)).toEqual(['callback_due']);
  });
});
