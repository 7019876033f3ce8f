import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientCore, signIn, SignInError } from '../../src/main/client/client-core';
import type { ClientEvent } from '../../src/shared/client-api';
import type { Lead } from '../../src/shared/lead';
import { EventLog as GenericEventLog } from '../helpers/event-log';
import { startFaultProxy } from '../helpers/fault-proxy';
import { freePort } from '../helpers/ports';
import { RecordingNotifier } from '../helpers/recording-notifier';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { serverScope } from '../helpers/server-fixture';
import {
  hotLead,
  PASSWORD,
  postLead,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * The client core against a real server on a real port: local SQLite, HTTP and the live socket
 * for real. The notifier records what it was asked to show (the OS side of notifications is
 * tested on a real D-Bus in os-notification.test.ts).
 */

class EventLog extends GenericEventLog<ClientEvent> {}

const FAST = { backoff: { baseMs: 50, capMs: 500 }, toastWindowMs: 300, requestTimeoutMs: 3000 };

const scope = serverScope();
// Registered after the scope, so run before it: the cores close while their server is up.
const cores: ClientCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

async function setup(port?: number, dataDir?: string) {
  const t = await scope.start({
    config: port ? { server: { port } } : {},
    ...(dataDir && { dataDir }),
    teams: ['Client'],
    users: {
      ana: { role: 'rep', name: 'Ana' },
      ben: { role: 'rep', name: 'Ben' },
      lead: { role: 'lead' },
    },
  });
  return { s: t.s, ana: t.users.ana, ben: t.users.ben, teamLead: t.users.lead, apiKey: t.apiKey };
}

async function openCore(
  s: TestServer,
  rep: TestUser,
  dataDir = mkdtempSync(join(tmpdir(), 'pounce-client-')),
  serverUrl = s.url,
) {
  const notifier = new RecordingNotifier();
  const log = new EventLog();
  const session = await signIn(serverUrl, rep.email, PASSWORD);
  const core = await ClientCore.open({
    dataDir,
    serverUrl,
    session,
    notifier,
    engine: FAST,
  });
  core.on(log.listener);
  cores.push(core);
  await log.next((e) => e.type === 'synced');
  return { core, notifier, log, dataDir };
}

async function serverLead(s: TestServer, id: string): Promise<Lead> {
  const res = await http<{ lead: Lead }>('GET', `${s.url}/api/v1/leads/${id}`, {
    token: s.adminToken,
  });
  return res.body.lead;
}

async function outcomes(s: TestServer, id: string) {
  const res = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    'GET',
    `${s.url}/api/v1/leads/${id}/events`,
    { token: s.adminToken },
  );
  return res.body.events.filter((e) => e.type === 'outcome');
}

describe('client core', () => {
  it('signs in with clear errors', async () => {
    const { s } = await setup();
    await expect(signIn(s.url, 'ana@client.test', 'wrong-password-1')).rejects.toMatchObject({
      code: 'wrong_credentials',
    });
    const port = await freePort();
    await expect(signIn(`http://127.0.0.1:${port}`, 'a@b.c', 'x')).rejects.toBeInstanceOf(
      SignInError,
    );
  });

  it('a lead posted through the public API lands in local SQLite and a toast is requested', async () => {
    const { s, ana, ben, apiKey } = await setup();
    const a = await openCore(s, ana);
    const b = await openCore(s, ben);
    const posted: string[] = [];
    for (let i = 0; i < 4; i++)
      posted.push((await postLead(s, apiKey, hotLead({ name: `Lead ${i}` }))).body.lead.id);
    await a.log.next((e) => e.type === 'notified');
    const stored = await a.core.db.selectFrom('leads').select(['id']).execute();
    const aIds = stored.map((r) => r.id).sort();
    const bIds = (await b.core.db.selectFrom('leads').select(['id']).execute())
      .map((r) => r.id)
      .sort();
    // Each lead is in exactly one rep's database: never in another rep's.
    expect([...aIds, ...bIds].sort()).toEqual([...posted].sort());
    expect(aIds.filter((id) => bIds.includes(id))).toEqual([]);
    expect(aIds.length).toBeGreaterThan(0);
    expect(a.notifier.shown[0]?.title).toMatch(/^Hot lead: Lead /);
    // The timeline follows with the pull.
    await a.log.next((e) => e.type === 'synced' && e.changes > 0);
    const first = aIds[0] ?? '';
    const view = await a.core.getLead(first);
    expect(view?.timeline.map((t) => t.type)).toEqual(['received', 'assigned']);
    const queue = await a.core.getQueue();
    expect(queue.map((q) => q.lead.id).sort()).toEqual(aIds);
    expect(queue[0]?.row.reason).toMatch(/Hot/);
  });

  it('an outcome logged while the server is down reaches it exactly once after restart', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-srv-'));
    const { s, ana, apiKey } = await setup(port, dataDir);
    const a = await openCore(s, ana);
    const lead = (await postLead(s, apiKey, hotLead())).body.lead;
    await a.log.next((e) => e.type === 'lead.assigned' && e.lead.id === lead.id);

    await s.stop({ keepData: true });
    await a.log.next((e) => e.type === 'offline');
    await a.core.execute({
      type: 'logOutcome',
      leadId: lead.id,
      disposition: 'no_answer',
      note: 'offline call',
    });
    await a.core.execute({ type: 'addNote', leadId: lead.id, text: 'try after lunch' });
    // Optimistic: the rep sees it at once.
    expect((await a.core.getLead(lead.id))?.lead).toMatchObject({ attempts: 1, status: 'working' });
    expect((await a.core.getStatus()).pending).toBe(2);

    const server = await scope.restart(s, { server: { port } });
    await a.log.next((e) => e.type === 'outcome.acked' && e.name === 'addNote', 15_000);
    expect((await a.core.getStatus()).pending).toBe(0);
    expect(await outcomes(server, lead.id)).toHaveLength(1);
    expect(await serverLead(server, lead.id)).toMatchObject({ attempts: 1, status: 'working' });
  });

  it('a reassigned lead leaves the queue with its reason; an outcome logged offline for it is refused with why and dropped', async () => {
    const { s, ana, ben, teamLead, apiKey } = await setup();
    // Ana's app reaches the server through a proxy the test can cut: she is offline when the
    // lead moves, and her app learns of it only after it pushed the call.
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: s.handle.port } });
    try {
      const a = await openCore(s, ana, undefined, proxy.url);
      const b = await openCore(s, ben);
      let lead = (await postLead(s, apiKey, hotLead({ name: 'Moved Mona' }))).body.lead;
      if (lead.assignedTo !== ana.id) {
        lead = (await postLead(s, apiKey, hotLead({ name: 'Moved Mona' }))).body.lead;
      }
      await a.log.next((e) => e.type === 'lead.assigned' && e.lead.id === lead.id);
      await proxy.setMode({ kind: 'refuse' });
      proxy.resetAll();
      await a.log.next((e) => e.type === 'offline');
      await a.core.execute({
        type: 'logOutcome',
        leadId: lead.id,
        disposition: 'voicemail',
        note: 'left a message',
      });
      await http('POST', `${s.url}/api/v1/leads/${lead.id}/reassign`, {
        token: teamLead.token,
        body: { toUserId: ben.id, note: 'Ana is out' },
      });
      await b.log.next((e) => e.type === 'lead.assigned' && e.lead.id === lead.id);

      await proxy.setMode({ kind: 'pass' });
      const rejected = await a.log.next((e) => e.type === 'rejected', 15_000);
      expect(rejected).toMatchObject({ name: 'logOutcome', code: 'not_your_lead' });
      const revoked = await a.log.next((e) => e.type === 'lead.revoked' && e.leadId === lead.id);
      expect(revoked.type === 'lead.revoked' && revoked.reason).toMatch(
        /reassigned to Ben.*Ana is out/,
      );
      // Dropped from the outbox, kept for review in words, with what she wrote.
      expect((await a.core.getStatus()).pending).toBe(0);
      const [review] = await a.core.listRejected();
      expect(review).toMatchObject({
        name: 'logOutcome',
        code: 'not_your_lead',
        leadName: 'Moved Mona',
        args: { disposition: 'voicemail', note: 'left a message' },
      });
      expect(review?.message).toMatch(/Moved Mona is no longer yours \(reassigned to Ben/);
      expect(await outcomes(s, lead.id)).toHaveLength(0);
      expect(await serverLead(s, lead.id)).toMatchObject({ assignedTo: ben.id, attempts: 0 });
      expect((await a.core.getQueue()).some((q) => q.lead.id === lead.id)).toBe(false);
      expect((await a.core.getLead(lead.id))?.revoked?.reason).toMatch(/Ana is out/);

      // Now that her app knows, another call on it is refused at once, with why.
      await expect(
        a.core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'no_answer' }),
      ).rejects.toThrow(/Moved Mona is no longer yours \(reassigned to Ben/);
      expect((await a.core.getStatus()).pending).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('a rejected change is acknowledged, kept for review, and does not block later ones', async () => {
    const { s, ana, apiKey } = await setup();
    const a = await openCore(s, ana);
    const lead = (await postLead(s, apiKey, hotLead())).body.lead;
    await a.log.next((e) => e.type === 'lead.assigned');
    await a.core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'qualified' });
    // A callback for a lead that is won: the server refuses it.
    await a.core.execute({
      type: 'scheduleCallback',
      leadId: lead.id,
      at: new Date(Date.now() + 3600_000).toISOString(),
    });
    await a.core.execute({ type: 'addNote', leadId: lead.id, text: 'sent the contract' });
    const rejected = await a.log.next((e) => e.type === 'rejected');
    expect(rejected).toMatchObject({ code: 'lead_closed', name: 'scheduleCallback' });
    await a.log.next((e) => e.type === 'outcome.acked' && e.name === 'addNote');
    expect(await a.core.listRejected()).toHaveLength(1);
    expect((await a.core.getStatus()).pending).toBe(0);
    await expect(
      a.core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'maybe' }),
    ).rejects.toThrow(/disposition/);
  });

  it('a client clock days ahead changes no server time or order', async () => {
    const { s, ana, apiKey } = await setup();
    const notifier = new RecordingNotifier();
    const session = await signIn(s.url, ana.email, PASSWORD);
    const skewed = () => Date.now() + 3 * 24 * 3600_000;
    const core = await ClientCore.open({
      dataDir: mkdtempSync(join(tmpdir(), 'pounce-skew-')),
      serverUrl: s.url,
      session,
      notifier,
      clock: skewed,
      engine: FAST,
    });
    cores.push(core);
    const log = new EventLog();
    core.on(log.listener);
    const lead = (await postLead(s, apiKey, hotLead())).body.lead;
    await log.next((e) => e.type === 'lead.assigned');
    const before = Date.now();
    await core.execute({ type: 'logOutcome', leadId: lead.id, disposition: 'no_answer' });
    await core.execute({ type: 'addNote', leadId: lead.id, text: 'second' });
    await log.next((e) => e.type === 'outcome.acked' && e.name === 'addNote');
    const stored = await serverLead(s, lead.id);
    expect(Date.parse(stored.firstTouchAt ?? '')).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(stored.firstTouchAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    const events = await http<{ events: { type: string }[] }>(
      'GET',
      `${s.url}/api/v1/leads/${lead.id}/events`,
      {
        token: s.adminToken,
      },
    );
    expect(events.body.events.map((e) => e.type).slice(-2)).toEqual(['outcome', 'note']);
  });

  it('opens a queue before the session is known, reads it giving the event loop turns, then syncs', async () => {
    const { s, users, apiKey } = await scope.start({
      teams: ['Solo'],
      users: { ana: { role: 'rep', capacity: 1000 } },
    });
    const { ana } = users;
    const a = await openCore(s, ana);
    // More than one read batch of leads, all hers (the only rep of the team).
    const mine = new Set<string>();
    for (let i = 0; i < 13; i++) {
      const posted = await Promise.all(
        Array.from({ length: 10 }, () => postLead(s, apiKey, hotLead())),
      );
      for (const p of posted) if (p.body.lead.assignedTo === ana.id) mine.add(p.body.lead.id);
    }
    expect(mine.size).toBeGreaterThan(100);
    await eventually(
      async () =>
        (await a.core.listLeads()).filter((l) => mine.has(l.lead.id)).length === mine.size,
      { timeout: 20_000 },
    );
    const now = Date.now();
    const expected = (await a.core.getQueue(now)).map((q) => q.lead.id);
    await a.core.close();
    cores.splice(cores.indexOf(a.core), 1);

    // Local only: the database is read (and ordered) without a session or a socket.
    const local = await ClientCore.openLocal({ dataDir: a.dataDir, userId: ana.id });
    cores.push(local);
    let turns = 0;
    let counting = true;
    const spin = () => {
      if (!counting) return;
      turns += 1;
      setImmediate(spin);
    };
    setImmediate(spin);
    const queue = await local.getQueue(now);
    counting = false;
    // The read yielded to the event loop between batches (a chain of awaited synchronous
    // queries alone would have finished before any of these callbacks ran).
    expect(turns).toBeGreaterThan(0);
    expect(queue.map((q) => q.lead.id)).toEqual(expected);
    expect(await local.getStatus()).toMatchObject({ online: false, stopped: null });

    // Connected as its own user only, and once; then it syncs like any core.
    const notifier = new RecordingNotifier();
    const session = await signIn(s.url, ana.email, PASSWORD);
    const someoneElse = { ...session, user: { ...session.user, id: 'someone-else' } };
    expect(() => local.connect({ serverUrl: s.url, session: someoneElse, notifier })).toThrow(
      /belongs to user/,
    );
    const log = new EventLog();
    local.on(log.listener);
    local.connect({ serverUrl: s.url, session, notifier, engine: FAST });
    expect(() => local.connect({ serverUrl: s.url, session, notifier })).toThrow(
      /already connected/,
    );
    const fresh = (await postLead(s, apiKey, hotLead({ name: 'After Connect' }))).body.lead;
    await log.next((e) => e.type === 'lead.assigned' && e.lead.id === fresh.id);
    expect((await local.getQueue()).map((q) => q.lead.id)).toContain(fresh.id);
  });
});
