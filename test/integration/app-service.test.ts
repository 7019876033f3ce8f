import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppService, type AppServiceOptions } from '../../src/main/host/app-service';
import { MemorySecretStore } from '../../src/main/host/memory-secret-store';
import type { AppEvent, AppMethod, AppResult } from '../../src/shared/app-api';
import { EventLog } from '../helpers/event-log';
import { eventually } from '../helpers/eventually';
import { freePort as closedPort } from '../helpers/ports';
import { RecordingNotifier } from '../helpers/recording-notifier';
import { http } from '../helpers/http';
import { serverScope } from '../helpers/server-fixture';
import { createTeam, createUser, hotLead, PASSWORD, postLead } from '../helpers/test-server';

/*
 * The app's request handler (what the renderer reaches over IPC) against a real server, real
 * local SQLite and real sockets: every request is validated, answers are results (never throws),
 * the session survives a restart, a rep's work reaches the server.
 */

const FAST = { backoff: { baseMs: 50, capMs: 500 }, toastWindowMs: 200, requestTimeoutMs: 3000 };
/** The test server is on 127.0.0.1 over http://: a sign-in there needs the user's yes. */
const LOCAL_HTTP = { allowInsecureHttp: true } as const;

const scope = serverScope();
// Registered after the scope, so run before it: the apps close while their server is up.
const services: AppService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

async function setup(capacity?: number) {
  const t = await scope.start({
    teams: ['App'],
    users: { ana: { role: 'rep', ...(capacity !== undefined && { capacity }) } },
  });
  return { s: t.s, ana: t.users.ana, apiKey: t.apiKey };
}

async function start(
  secrets = new MemorySecretStore(),
  dataDir = tempDir(),
  extra: Pick<AppServiceOptions, 'clock' | 'countsDebounceMs'> = {},
) {
  const opened: string[] = [];
  const notifier = new RecordingNotifier();
  const log = new EventLog<AppEvent>();
  const app = await AppService.start({
    dataDir,
    secrets,
    notifier,
    openExternal: (url) => {
      opened.push(url);
    },
    engine: FAST,
    ...extra,
  });
  app.onEvent(log.listener);
  services.push(app);
  const call = <M extends AppMethod>(method: M, params: unknown = {}) =>
    app.handle({ method, params }) as Promise<AppResult<M>>;
  return { app, call, log, opened, notifier, secrets, dataDir };
}

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'pounce-app-'));
}

function value<M extends AppMethod>(result: AppResult<M>) {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('app service: requests are validated and always answered', () => {
  it('refuses malformed envelopes, unknown methods and bad params, naming the field', async () => {
    const { app, call } = await start();
    for (const bad of [null, 'queue.get', 42, [], { method: 7 }, { params: {} }]) {
      const r = await app.handle(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_request');
    }
    const unknown = await app.handle({ method: 'fs.readFile', params: { path: '/etc/passwd' } });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const proto = await app.handle({ method: '__proto__', params: {} });
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown_method' } });

    const badUrl = await call('session.signIn', {
      serverUrl: 'file:///etc',
      email: 'a@b.c',
      password: 'x',
    });
    expect(badUrl).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!badUrl.ok) expect(badUrl.error.fields?.map((f) => f.field)).toEqual(['serverUrl']);

    const extra = await call('queue.get', { all: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!extra.ok) expect(extra.error.fields?.[0]?.field).toBe('all');

    const command = await call('lead.command', { type: 'logOutcome', leadId: 'nope' });
    if (command.ok) throw new Error('accepted');
    expect(command.error.fields?.map((f) => f.field).sort()).toEqual(['disposition', 'leadId']);
  });

  it('signs in over http:// only to a private address the user confirmed, and anywhere over https://', async () => {
    const { s, ana } = await setup();
    const { call, secrets } = await start();
    const signIn = (serverUrl: string, confirm?: boolean) =>
      call('session.signIn', {
        serverUrl,
        email: ana.email,
        password: PASSWORD,
        ...(confirm !== undefined && { allowInsecureHttp: confirm }),
      });
    const refusedOn = async (serverUrl: string, field: string, confirm?: boolean) => {
      const result = await signIn(serverUrl, confirm);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      if (!result.ok) expect(result.error.fields?.map((f) => f.field)).toEqual([field]);
      return result;
    };
    // http:// to a public host: refused even when confirmed, and the password never leaves.
    const publicHttp = await refusedOn('http://8.8.8.8:8787', 'serverUrl', true);
    if (!publicHttp.ok) expect(publicHttp.error.message).toMatch(/private network.*https:\/\//);
    await refusedOn('HTTP://pounce.example.com', 'serverUrl', true);
    await refusedOn('http://10.0.0.1.evil.com', 'serverUrl', true);
    await refusedOn('http://[::ffff:8.8.8.8]', 'serverUrl', true);
    await refusedOn(s.url.replace('http://', 'http://ana:pw@'), 'serverUrl', true);
    // http:// to this computer, without the user's yes: refused, naming the confirmation.
    await refusedOn(s.url, 'allowInsecureHttp');
    await refusedOn(s.url, 'allowInsecureHttp', false);
    expect(await secrets.load()).toBeNull();
    // With it: signed in (0x7f.1 is 127.0.0.1, and the session keeps the address as parsed).
    const session = value(await signIn(s.url.replace('127.0.0.1', '0x7f.1'), true));
    expect(session.serverUrl).toBe(s.url);
    expect((await secrets.load())?.serverUrl).toBe(s.url);
  });

  it('does not reopen a kept session whose server is http:// to a public host', async () => {
    const secrets = new MemorySecretStore();
    const user = { id: 'u-1', email: 'a@b.test', name: 'A' };
    await secrets.save({ serverUrl: 'http://203.0.113.7:8787', token: 't'.repeat(40), user });
    const { call } = await start(secrets);
    expect(value(await call('session.get'))).toBeNull();
    // Its token is forgotten, never sent in the clear again.
    expect(await secrets.load()).toBeNull();
  });

  it('needs a session for the queue; sign-in errors say what the rep can fix', async () => {
    const { s, ana } = await setup();
    const { call, secrets } = await start();
    expect(value(await call('session.get'))).toBeNull();
    expect(await call('queue.get')).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });

    const wrong = await call('session.signIn', {
      serverUrl: s.url,
      allowInsecureHttp: true,
      email: ana.email,
      password: 'not-the-password',
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_credentials' } });

    const port = await closedPort();
    const down = await call('session.signIn', {
      serverUrl: `http://127.0.0.1:${port}`,
      allowInsecureHttp: true,
      email: ana.email,
      password: PASSWORD,
    });
    expect(down).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    expect(await secrets.load()).toBeNull();
  });
});

describe('app service: a rep works through the app', () => {
  it('signs in, sees a new lead, logs an outcome the server receives, stays signed in', async () => {
    const { s, ana, apiKey } = await setup();
    const first = await start();
    const session = value(
      await first.call('session.signIn', {
        serverUrl: `${s.url}/`,
        allowInsecureHttp: true,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    expect(session).toEqual({
      serverUrl: s.url,
      user: expect.objectContaining({ id: ana.id, email: ana.email }) as unknown,
    });
    await first.log.next((e) => e.type === 'session.changed' && e.session !== null);
    await first.log.next((e) => e.type === 'synced');
    // The token is kept (in the app: encrypted by the OS keychain), never handed to the page.
    expect((await first.secrets.load())?.token).toMatch(/.{20,}/);
    expect(JSON.stringify(session)).not.toContain((await first.secrets.load())?.token);

    const posted = await postLead(s, apiKey, hotLead({ name: 'Grace Hopper' }));
    const leadId = posted.body.lead.id;
    await first.log.next((e) => e.type === 'lead.assigned' && e.lead.id === leadId);
    const queue = value(await first.call('queue.get'));
    expect(queue.items.map((i) => i.lead.name)).toEqual(['Grace Hopper']);
    // Plain data: the row survives structured cloning (IPC) with its reason line.
    const row = structuredClone(queue.items[0]?.row);
    expect(row?.reason).toMatch(/^(Hot|Callable at)/); // the lead's zone may be outside hours now
    expect(row?.rank).toBe(1);

    const logged = value(
      await first.call('lead.command', { type: 'logOutcome', leadId, disposition: 'no_answer' }),
    );
    await first.log.next((e) => e.type === 'outcome.acked' && e.mutationId === logged.mutationId);
    const onServer = await http<{ lead: { attempts: number; lastDisposition: string } }>(
      'GET',
      `${s.url}/api/v1/leads/${leadId}`,
      { token: s.adminToken },
    );
    expect(onServer.body.lead).toMatchObject({ attempts: 1, lastDisposition: 'no_answer' });
    expect(value(await first.call('status.get'))).toMatchObject({ pending: 0, rejected: 0 });
    const detail = value(await first.call('lead.get', { id: leadId }));
    expect(detail?.timeline.map((t) => t.type)).toContain('outcome');

    // A restart with the same keychain: signed in at once, the queue from the local database.
    await first.app.close();
    const second = await start(first.secrets, first.dataDir);
    expect(value(await second.call('session.get'))?.user.id).toBe(ana.id);
    const again = value(await second.call('queue.get'));
    expect(again.items.map((i) => i.lead.id)).toEqual([leadId]);
    expect(again.items[0]?.lead.attempts).toBe(1);

    const token = (await second.secrets.load())?.token ?? '';
    expect((await http('GET', `${s.url}/api/v1/me`, { token })).status).toBe(200);
    value(await second.call('session.signOut'));
    expect(await second.secrets.load()).toBeNull();
    expect(await second.call('queue.get')).toMatchObject({
      ok: false,
      error: { code: 'not_signed_in' },
    });
    // The token is dead on the server too.
    expect((await http('GET', `${s.url}/api/v1/me`, { token })).status).toBe(401);
  });

  it('starts signed out, without throwing, when the kept session cannot be reopened', async () => {
    const secrets = new MemorySecretStore();
    const user = { id: 'u-1', email: 'a@b.test', name: 'A' };
    await secrets.save({ serverUrl: 'http://127.0.0.1:9', token: 't'.repeat(40), user });
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'pounce-u-1.db'), 'this is not a SQLite database, not at all');
    const { call } = await start(secrets, dataDir);
    expect(value(await call('session.get'))).toBeNull();
    expect(await call('queue.get')).toMatchObject({ ok: false, error: { code: 'not_signed_in' } });
  });

  it('opens only allowed links: a tel: link dials, anything else is refused and opens nothing', async () => {
    const { call, opened } = await start();
    expect(value(await call('link.open', { url: 'tel:+12125550100' }))).toEqual({ opened: true });
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://x.test',
      'tel:1;rm -rf',
    ]) {
      expect(await call('link.open', { url })).toMatchObject({
        ok: false,
        error: { code: 'link_refused' },
      });
    }
    expect(opened).toEqual(['tel:+12125550100']);
  });
});

describe('app service: the rep’s settings, search and counts', () => {
  it('keeps settings in a file, refuses bad ones by name, and honours do-not-disturb and sound', async () => {
    const { s, ana, apiKey } = await setup();
    const first = await start();
    expect(value(await first.call('settings.get'))).toEqual({
      theme: 'system',
      doNotDisturb: false,
      sound: true,
      startAtLogin: false,
    });
    const bad = await first.call('settings.set', { theme: 'neon', volume: 11 });
    if (bad.ok) throw new Error('accepted');
    expect(bad.error.fields?.map((f) => f.field).sort()).toEqual(['theme', 'volume']);
    expect(value(await first.call('settings.get')).theme).toBe('system');

    value(await first.call('settings.set', { sound: false }));
    await first.log.next((e) => e.type === 'settings.changed' && !e.settings.sound);
    value(
      await first.call('session.signIn', {
        serverUrl: s.url,
        allowInsecureHttp: true,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    await first.log.next((e) => e.type === 'synced');

    // Sound off: the toast still comes, silent.
    const one = await postLead(s, apiKey, hotLead({ name: 'Quiet One' }));
    await first.log.next((e) => e.type === 'notified' && e.leadIds.includes(one.body.lead.id));
    await eventually(() => first.notifier.shown.length === 1);
    expect(first.notifier.shown[0]).toMatchObject({ title: 'Hot lead: Quiet One', silent: true });

    // Do not disturb: no toast at all, but the lead still lands in the queue.
    value(await first.call('settings.set', { doNotDisturb: true }));
    const two = await postLead(s, apiKey, hotLead({ name: 'Not Now' }));
    await first.log.next((e) => e.type === 'lead.assigned' && e.lead.id === two.body.lead.id);
    const queue = value(await first.call('queue.get'));
    expect(queue.items.map((i) => i.lead.name).sort()).toEqual(['Not Now', 'Quiet One']);
    // The core did ask for its toast (alone or in a summary once the window ended): the settings
    // kept it off the screen.
    await first.log.next((e) => e.type === 'notified' && e.leadIds.includes(two.body.lead.id));
    expect(first.notifier.shown.map((t) => t.title)).toEqual(['Hot lead: Quiet One']);

    // Kept across a restart; a damaged file falls back to defaults for what it got wrong.
    await first.app.close();
    const again = await start(first.secrets, first.dataDir);
    expect(value(await again.call('settings.get'))).toMatchObject({
      sound: false,
      doNotDisturb: true,
    });
    await again.app.close();
    writeFileSync(
      join(first.dataDir, 'settings.json'),
      JSON.stringify({ theme: 'dark', sound: 'loud', extra: 1 }),
    );
    const damaged = await start(first.secrets, first.dataDir);
    expect(value(await damaged.call('settings.get'))).toEqual({
      theme: 'dark',
      doNotDisturb: false,
      sound: true,
      startAtLogin: false,
    });
  });

  it('searches every lead it holds; the queue is slim and counted', async () => {
    const { s, ana, apiKey } = await setup();
    const { call, log } = await start();
    value(
      await call('session.signIn', {
        ...LOCAL_HTTP,
        serverUrl: s.url,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    await log.next((e) => e.type === 'synced');
    const a = await postLead(s, apiKey, hotLead({ name: 'José Álvarez', company: 'Oficina SL' }));
    const b = await postLead(
      s,
      apiKey,
      hotLead({ name: 'Mei Chen', company: 'Tiny Robots', phone: '+44 20 7946 0958' }),
    );
    await log.next((e) => e.type === 'lead.assigned' && e.lead.id === b.body.lead.id);
    await log.next((e) => e.type === 'queue.counts' && e.counts.total === 2);

    const names = async (query: string) =>
      value(await call('leads.search', { query })).map((l) => l.name);
    expect(await names('jose')).toEqual(['José Álvarez']); // accents ignored
    expect(await names('ROBOTS')).toEqual(['Mei Chen']);
    expect(await names('7946 0958')).toEqual(['Mei Chen']); // digits of the phone
    expect(await names('nobody')).toEqual([]);
    expect(await call('leads.search', { query: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });

    // A closed lead leaves the queue but is still found.
    const logged = value(
      await call('lead.command', {
        type: 'logOutcome',
        leadId: a.body.lead.id,
        disposition: 'not_interested',
        reasonCode: 'price',
      }),
    );
    await log.next((e) => e.type === 'outcome.acked' && e.mutationId === logged.mutationId);
    const queue = value(await call('queue.get'));
    expect(queue.items.map((i) => i.lead.name)).toEqual(['Mei Chen']);
    expect(queue.counts).toEqual({ total: 1, untouched: 1 });
    // Only what a row shows crosses to the page; the message and fields come with lead.get.
    expect(Object.keys(queue.items[0]?.lead ?? {})).not.toContain('message');
    expect(value(await call('leads.search', { query: 'oficina' }))).toEqual([
      expect.objectContaining({ name: 'José Álvarez', status: 'closed' }),
    ]);
  });

  it('serves the queue in windows, and says where the selected lead is now', async () => {
    const { s, ana, apiKey } = await setup();
    const { call, log } = await start();
    value(
      await call('session.signIn', {
        ...LOCAL_HTTP,
        serverUrl: s.url,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    await log.next((e) => e.type === 'synced');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const posted = await postLead(s, apiKey, hotLead({ name: `Window ${i}` }));
      ids.push(posted.body.lead.id);
      await log.next((e) => e.type === 'lead.assigned' && e.lead.id === posted.body.lead.id);
    }
    const all = value(await call('queue.get'));
    expect(all.total).toBe(5);
    const order = all.items.map((i) => i.lead.id);
    expect([...order].sort()).toEqual([...ids].sort());

    const last = order[4] ?? '';
    const page = value(await call('queue.get', { offset: 1, limit: 2, selectedId: last }));
    expect(page).toMatchObject({ offset: 1, total: 5 });
    expect(page.items.map((i) => i.lead.id)).toEqual(order.slice(1, 3));
    expect(page.selected?.index).toBe(4);
    expect(page.selected?.item.lead.id).toBe(last);

    // The selected lead leaves the queue: the answer says so.
    const logged = value(
      await call('lead.command', { type: 'logOutcome', leadId: last, disposition: 'qualified' }),
    );
    await log.next((e) => e.type === 'outcome.acked' && e.mutationId === logged.mutationId);
    const after = value(await call('queue.get', { offset: 0, limit: 10, selectedId: last }));
    expect(after).toMatchObject({ total: 4, selected: null, counts: { total: 4, untouched: 4 } });
    expect(await call('queue.get', { offset: -1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
  });

  it('says "update the app" when the server speaks another sync protocol', async () => {
    const { s, ana } = await setup();
    // The real server refuses a sign-in from an app of another protocol version.
    const res = await http('POST', `${s.url}/api/v1/auth/login`, {
      body: { email: ana.email, password: PASSWORD },
      headers: { 'pounce-sync-protocol': '0' },
    });
    expect(res).toMatchObject({ status: 426, body: { error: { code: 'incompatible_protocol' } } });
    // ...and a server of another version (which cannot run here) answers the app's sign-in the
    // same way: played by a socket that sends exactly that answer.
    const other = createServer((_req, reply) => {
      reply.writeHead(426, { 'content-type': 'application/json' });
      reply.end(JSON.stringify(res.body));
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const { port } = other.address() as AddressInfo;
      const { call } = await start();
      const result = await call('session.signIn', {
        serverUrl: `http://127.0.0.1:${port}`,
        allowInsecureHttp: true,
        email: ana.email,
        password: PASSWORD,
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'incompatible' } });
      if (!result.ok) expect(result.error.message).toMatch(/update Pounce/);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});

describe('app service: the queue is ready when the window asks for it', () => {
  /** A clock the test moves by hand (the queue's `at` says when it was ordered). */
  function handClock() {
    let now = Date.now();
    return {
      clock: () => now,
      set: (ms: number) => {
        now = ms;
      },
    };
  }

  async function signedInWithLeads(names: readonly string[], capacity?: number) {
    const { s, ana, apiKey } = await setup(capacity);
    const first = await start();
    value(
      await first.call('session.signIn', {
        serverUrl: s.url,
        allowInsecureHttp: true,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    await first.log.next((e) => e.type === 'synced');
    for (const name of names) {
      const posted = await postLead(s, apiKey, hotLead({ name }));
      await first.log.next((e) => e.type === 'lead.assigned' && e.lead.id === posted.body.lead.id);
    }
    return { s, ana, apiKey, first };
  }

  it('orders the queue as the kept session opens, before any request, and answers from it', async () => {
    const { first } = await signedInWithLeads(['Kept One', 'Kept Two', 'Kept Three']);
    const expected = value(await first.call('queue.get')).items.map((i) => i.lead.id);
    await first.app.close();

    const hand = handClock();
    const opened = hand.clock();
    // Counts only ever after a minute of changes: the ones that come now are from the open.
    const again = await start(first.secrets, first.dataDir, {
      clock: hand.clock,
      countsDebounceMs: 60_000,
    });
    const counts = await again.log.next((e) => e.type === 'queue.counts');
    expect(counts).toMatchObject({ counts: { total: 3, untouched: 3 } });
    hand.set(opened + 1000);
    const queue = value(await again.call('queue.get', { offset: 0, limit: 2 }));
    expect(queue.at).toBe(opened); // ordered at the open, not when asked
    expect(queue.items.map((i) => i.lead.id)).toEqual(expected.slice(0, 2));
    expect(queue.total).toBe(3);
  });

  it('answers a request that comes while the first ordering is under way', async () => {
    const { s, ana, apiKey, first } = await signedInWithLeads([], 1000);
    // More leads than one read batch: the first read yields between batches.
    for (let i = 0; i < 12; i++) {
      await Promise.all(Array.from({ length: 10 }, () => postLead(s, apiKey, hotLead())));
    }
    await expect
      .poll(async () => value(await first.call('queue.get', { limit: 1 })).total, {
        timeout: 20_000,
      })
      .toBe(120);
    await first.app.close();

    const again = await start(first.secrets, first.dataDir);
    // Asked the way the window asks, from an event-loop turn (a socket, IPC), not from the
    // ordering's own chain of microtasks.
    const answered: string[] = [];
    const session = new Promise<void>((resolve) => {
      setImmediate(() => {
        void again.call('session.get').then((r) => {
          answered.push(`session ${value(r)?.user.id ?? 'none'}`);
          resolve();
        });
      });
    });
    await again.log.next((e) => e.type === 'queue.counts');
    answered.push('ordered');
    await session;
    expect(answered).toEqual([`session ${ana.id}`, 'ordered']);
  });

  it('opens the last user’s queue while signed out and orders it while the password is checked', async () => {
    const { s, ana, apiKey, first } = await signedInWithLeads(['Warm One', 'Warm Two']);
    const before = value(await first.call('queue.get')).items.map((i) => i.lead.id);
    await first.app.close();
    // Signed out when the app starts (no kept session): Ana signed in last on this machine.
    const hand = handClock();
    const app = await start(new MemorySecretStore(), first.dataDir, { clock: hand.clock });
    expect(value(await app.call('session.get'))).toBeNull();

    const signInAt = hand.clock();
    value(
      await app.call('session.signIn', {
        ...LOCAL_HTTP,
        serverUrl: s.url,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    hand.set(signInAt + 1000);
    const queue = value(await app.call('queue.get'));
    expect(queue.at).toBe(signInAt); // ordered while the server checked the password
    expect(queue.items.map((i) => i.lead.id)).toEqual(before);

    // What changed while she was away still arrives: the first pull replaces that ordering.
    value(await app.call('session.signOut'));
    await postLead(s, apiKey, hotLead({ name: 'While Away' }));
    hand.set(Date.now());
    value(
      await app.call('session.signIn', {
        ...LOCAL_HTTP,
        serverUrl: s.url,
        email: ana.email,
        password: PASSWORD,
      }),
    );
    await expect
      .poll(async () => value(await app.call('queue.get')).items.map((i) => i.lead.name))
      .toContain('While Away');
  });

  it('another rep signing in on the same machine gets their own queue, not the last user’s', async () => {
    const { s, first } = await signedInWithLeads(['Ana Only']);
    const ben = await createUser(s, {
      email: 'ben@app.test',
      role: 'rep',
      teamId: await createTeam(s, 'Other'),
    });
    value(await first.call('session.signOut'));
    value(
      await first.call('session.signIn', {
        serverUrl: s.url,
        allowInsecureHttp: true,
        email: ben.email,
        password: PASSWORD,
      }),
    );
    await first.log.next((e) => e.type === 'synced');
    const queue = value(await first.call('queue.get'));
    expect(queue.items.map((i) => i.lead.name)).toEqual([]);
    expect(value(await first.call('session.get'))?.user.id).toBe(ben.id);
  });
});
