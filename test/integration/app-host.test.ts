import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AutoSignIn, SecretStore, StoredSession } from '../../src/main/host/host-protocol';
import { MemorySecretStore } from '../../src/main/host/memory-secret-store';
import { AppHostClient, type HostReady } from '../../src/main/shell/app-host-client';
import { forkHostChannel, type ForkedHost } from '../../src/main/shell/fork-host';
import type { Notifier, Toast } from '../../src/main/client/notifier';
import type { AppEvent, AppMethod, AppResult } from '../../src/shared/app-api';
import { eventually } from '../helpers/eventually';
import { EventLog } from '../helpers/event-log';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The app-service host as the app runs it: a real separate process (the host's source, forked
 * with tsx, exactly the entry Electron starts as a utility process), driven by main's real
 * AppHostClient, against a real sync-server, real SQLite and real sockets. Only Electron's parts
 * are stand-ins: the parent's secret store is in memory and its notifier records the toasts the
 * host asks for.
 */

const ROOT = resolve(__dirname, '../..');
const HOST_ENTRY = join(ROOT, 'src/main/host/host.ts');
/** What electron-vite builds and the app forks (`npm test` builds before it runs vitest). */
const BUILT_HOST = join(ROOT, 'out/main/app-host.js');
/** Generous: starting a host compiles its TypeScript with tsx. It bounds waits, it measures nothing. */
const WAIT = { timeout: 30_000, interval: 25 };

/** The parent's session store, recording what the host asked of it. */
class ParentSecrets implements SecretStore {
  readonly calls: string[] = [];
  private readonly inner = new MemorySecretStore();
  failSaves = false;
  load() {
    this.calls.push('load');
    return this.inner.load();
  }
  save(session: StoredSession) {
    this.calls.push('save');
    if (this.failSaves) return Promise.reject(new Error('keychain locked'));
    return this.inner.save(session);
  }
  clear() {
    this.calls.push('clear');
    return this.inner.clear();
  }
  kept() {
    return this.inner.load();
  }
}

/** The parent's notifier: records each toast the host asks for; can be told to fail. */
class ParentNotifier implements Notifier {
  readonly shown: Toast[] = [];
  fail = false;
  show(toast: Toast): Promise<void> {
    this.shown.push(toast);
    return this.fail ? Promise.reject(new Error('no notification daemon')) : Promise.resolve();
  }
}

interface Harness {
  readonly client: AppHostClient;
  readonly forks: ForkedHost[];
  readonly secrets: ParentSecrets;
  readonly notifier: ParentNotifier;
  readonly events: EventLog<AppEvent>;
  readonly readies: HostReady[];
  readonly opened: string[];
  call<M extends AppMethod>(method: M, params?: unknown): Promise<AppResult<M>>;
}

let server: TestServer | undefined;
const harnesses: Harness[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.client.close();
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  server = await startTestServer();
  const team = await createTeam(server, 'Host');
  const rep = await createUser(server, { email: 'rep@host.test', role: 'rep', teamId: team });
  return { s: server, rep, apiKey: await createApiKey(server) };
}

function startHost(
  options: {
    autoSignIn?: AutoSignIn;
    secrets?: ParentSecrets;
    dataDir?: string;
    built?: boolean;
  } = {},
): Harness {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pounce-host-'));
  dirs.push(dataDir);
  const forks: ForkedHost[] = [];
  const secrets = options.secrets ?? new ParentSecrets();
  const notifier = new ParentNotifier();
  const events = new EventLog<AppEvent>();
  const readies: HostReady[] = [];
  const opened: string[] = [];
  const client = new AppHostClient({
    spawn: () => {
      const fork = options.built
        ? forkHostChannel(BUILT_HOST, { cwd: ROOT })
        : forkHostChannel(HOST_ENTRY, { execArgv: ['--import', 'tsx'], cwd: ROOT });
      forks.push(fork);
      return fork;
    },
    dataDir,
    ...(options.autoSignIn && { autoSignIn: options.autoSignIn }),
    secrets,
    notifier,
    openExternal: (url) => {
      opened.push(url);
    },
    onEvent: events.listener,
    onReady: (ready) => readies.push(ready),
    restartDelayMs: () => 50,
  });
  client.start();
  const harness: Harness = {
    client,
    forks,
    secrets,
    notifier,
    events,
    readies,
    opened,
    call: <M extends AppMethod>(method: M, params: unknown = {}) =>
      client.call({ method, params }) as Promise<AppResult<M>>,
  };
  harnesses.push(harness);
  return harness;
}

function value<M extends AppMethod>(result: AppResult<M>) {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function signIn(h: Harness, s: TestServer, email: string) {
  return h.call('session.signIn', {
    serverUrl: s.url,
    allowInsecureHttp: true,
    email,
    password: PASSWORD,
  });
}

/** The messages the host sends on one fork, as they arrive (raw, before main's checks). */
function messagesOf(fork: ForkedHost): unknown[] {
  const seen: unknown[] = [];
  fork.process.on('message', (raw: unknown) => seen.push(raw));
  return seen;
}

describe('app-service host (a real child process)', () => {
  it('signs in through the host; the session is kept by the parent and the token stays there', async () => {
    const { s, rep } = await setup();
    const h = startHost();
    await eventually(() => expect(h.readies).toHaveLength(1), WAIT);
    expect(h.readies[0]?.session).toBeNull();
    expect(h.secrets.calls).toEqual(['load']);

    const session = value(await signIn(h, s, rep.email));
    expect(session.user.email).toBe(rep.email);
    // What goes to the window has no token; the parent's store has it.
    expect(JSON.stringify(session)).not.toContain('token');
    expect(h.secrets.calls).toContain('save');
    const kept = await h.secrets.kept();
    expect(kept?.serverUrl).toBe(s.url);
    expect(kept?.token.length).toBeGreaterThan(20);

    await h.events.next((e) => e.type === 'session.changed' && e.session !== null);
    expect(value(await h.call('session.get'))?.user.email).toBe(rep.email);

    value(await h.call('session.signOut'));
    expect(h.secrets.calls.at(-1)).toBe('clear');
    expect(await h.secrets.kept()).toBeNull();
  });

  it('turns a lead posted through the API into a toast request at the parent, and queue.get has it', async () => {
    const { s, rep, apiKey } = await setup();
    const h = startHost();
    value(await signIn(h, s, rep.email));
    await h.events.next((e) => e.type === 'online');

    const posted = await postLead(s, apiKey, hotLead({ name: 'Grace Hopper' }));
    expect(posted.status).toBe(201);
    expect(posted.body.lead.assignedTo).toBe(rep.id);

    await h.events.next((e) => e.type === 'lead.assigned' && e.lead.id === posted.body.lead.id);
    await eventually(() => expect(h.notifier.shown).toHaveLength(1), WAIT);
    expect(h.notifier.shown[0]).toMatchObject({
      title: 'Hot lead: Grace Hopper',
      leadId: posted.body.lead.id,
      silent: false,
    });

    const queue = value(await h.call('queue.get'));
    expect(queue.items.map((i) => i.lead.id)).toEqual([posted.body.lead.id]);
    expect(queue.counts).toEqual({ total: 1, untouched: 1 });
    await h.events.next(
      (e) => e.type === 'queue.counts' && e.counts.total === 1 && e.counts.untouched === 1,
    );
  });

  it('tolerates a toast the parent could not show: sync goes on', async () => {
    const { s, rep, apiKey } = await setup();
    const h = startHost();
    h.notifier.fail = true;
    value(await signIn(h, s, rep.email));
    await h.events.next((e) => e.type === 'online');

    const posted = await postLead(s, apiKey, hotLead());
    const failed = await h.events.next((e) => e.type === 'notify.failed');
    expect(failed).toMatchObject({ message: 'no notification daemon' });
    const queue = value(await h.call('queue.get'));
    expect(queue.items.map((i) => i.lead.id)).toEqual([posted.body.lead.id]);
  });

  it('answers with the field named when the host refuses params, and passes link.open to the parent', async () => {
    const h = startHost();
    const bad = await h.call('lead.get', { id: 'nope' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid_request');
      expect(bad.error.fields?.[0]?.field).toBe('id');
    }
    expect(value(await h.call('link.open', { url: 'tel:+15555550100' }))).toEqual({
      opened: true,
    });
    await eventually(() => expect(h.opened).toEqual(['tel:+15555550100']), WAIT);
  });

  it('ignores garbage messages, reports them, and still answers', async () => {
    const h = startHost();
    await eventually(() => expect(h.readies).toHaveLength(1), WAIT);
    const fork = h.forks[0];
    if (!fork) throw new Error('no host');
    const seen = messagesOf(fork);

    const garbage: unknown[] = [
      null,
      'queue.get',
      42,
      [],
      { kind: 'nope' },
      { kind: 'request', id: -1, method: 'queue.get', params: {} },
      { kind: 'request', id: 1.5, method: 'queue.get' },
      { kind: 'init', version: 1, dataDir: '/tmp/elsewhere' },
      { kind: 'secret.reply', id: 999, outcome: { ok: true, session: null } },
      { kind: 'toast.reply', id: 3, outcome: { ok: 'yes' } },
      { kind: 'close', extra: true },
    ];
    for (const message of garbage) fork.process.send(message as object);

    await eventually(() => {
      const reports = seen.filter(
        (m) => typeof m === 'object' && m !== null && 'kind' in m && m.kind === 'protocol.error',
      );
      expect(reports).toHaveLength(garbage.length);
    }, WAIT);
    const messages = seen.map((m) => (m as { message?: string }).message ?? '');
    // Each report names the field that was wrong.
    expect(messages).toContain('request: id: Too small: expected number to be >0');
    expect(messages).toContain('init: the host was initialised already');
    expect(messages).toContain('secret.reply: no secret request 999 is waiting');
    expect(messages.some((m) => m.startsWith('close: extra'))).toBe(true);

    expect(value(await h.call('session.get'))).toBeNull();
    expect(fork.process.exitCode).toBeNull();
  });

  it('restarts a host that was killed, restoring the session from the parent', async () => {
    const { s, rep, apiKey } = await setup();
    const h = startHost();
    value(await signIn(h, s, rep.email));
    await h.events.next((e) => e.type === 'online');
    const first = h.forks[0];
    if (!first) throw new Error('no host');

    first.process.kill('SIGKILL');
    const offline = await h.events.next((e) => e.type === 'offline');
    expect(offline).toMatchObject({ reason: 'the app service stopped; restarting it' });
    await eventually(() => expect(h.readies).toHaveLength(2), WAIT);
    expect(h.forks).toHaveLength(2);
    expect(h.readies[1]?.session?.user.email).toBe(rep.email);
    // The window is told who is signed in now, so it reloads what it shows.
    await h.events.next((e) => e.type === 'session.changed' && e.session?.user.email === rep.email);

    const posted = await postLead(s, apiKey, hotLead());
    await eventually(async () => {
      const queue = value(await h.call('queue.get'));
      expect(queue.items.map((i) => i.lead.id)).toContain(posted.body.lead.id);
    }, WAIT);
  });

  it('answers internal (not a hang) when the parent cannot keep the session', async () => {
    const { s, rep } = await setup();
    const secrets = new ParentSecrets();
    secrets.failSaves = true;
    const h = startHost({ secrets });
    const result = await signIn(h, s, rep.email);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('internal');
      expect(result.error.message).toContain('keychain locked');
    }
    expect(value(await h.call('session.get'))).toBeNull();
  });

  it('signs in on its own with autoSignIn when no session was kept', async () => {
    const { s, rep } = await setup();
    const h = startHost({
      autoSignIn: {
        serverUrl: s.url,
        allowInsecureHttp: true,
        email: rep.email,
        password: PASSWORD,
      },
    });
    await eventually(() => expect(h.readies).toHaveLength(1), WAIT);
    expect(h.readies[0]?.session?.user.email).toBe(rep.email);
    expect((await h.secrets.kept())?.user.email).toBe(rep.email);
    expect(value(await h.call('queue.get')).items).toEqual([]);
  });

  it('leaves a kept session alone with autoSignIn, and stays up when autoSignIn fails', async () => {
    const { s, rep } = await setup();
    const other = await createUser(s, { email: 'other@host.test', role: 'rep' });

    const wrong = startHost({
      autoSignIn: { serverUrl: s.url, allowInsecureHttp: true, email: rep.email, password: 'nope' },
    });
    await eventually(() => expect(wrong.readies).toHaveLength(1), WAIT);
    expect(wrong.readies[0]?.session).toBeNull();
    expect(value(await wrong.call('session.get'))).toBeNull();

    // A session kept from before wins over the demo's credentials.
    const secrets = new ParentSecrets();
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-host-'));
    const first = startHost({ secrets, dataDir });
    value(await signIn(first, s, rep.email));
    await first.client.close();
    const again = startHost({
      secrets,
      dataDir,
      autoSignIn: {
        serverUrl: s.url,
        allowInsecureHttp: true,
        email: other.email,
        password: PASSWORD,
      },
    });
    await eventually(() => expect(again.readies).toHaveLength(1), WAIT);
    expect(again.readies[0]?.session?.user.email).toBe(rep.email);
  });

  it('closes the app service and ends the process on close', async () => {
    const h = startHost();
    await eventually(() => expect(h.readies).toHaveLength(1), WAIT);
    const fork = h.forks[0];
    if (!fork) throw new Error('no host');
    const exited = new Promise<void>((done) => fork.process.once('exit', () => done()));
    const seen = messagesOf(fork);
    await h.client.close();
    await exited;
    expect(seen).toContainEqual({ kind: 'closed' });
    const after = await h.call('session.get');
    expect(after.ok).toBe(false);
  });
});

// Only where the app was built (`npm test` builds first; a lone vitest run may not have).
describe.skipIf(!existsSync(BUILT_HOST))('the built host bundle (out/main/app-host.js)', () => {
  it('needs no Electron and runs as the host in plain Node', async () => {
    expect(readFileSync(BUILT_HOST, 'utf8')).not.toMatch(/require\(["']electron["']\)/);
    const { s, rep } = await setup();
    const h = startHost({ built: true });
    await eventually(() => expect(h.readies).toHaveLength(1), WAIT);
    expect(value(await signIn(h, s, rep.email)).user.email).toBe(rep.email);
    expect(value(await h.call('queue.get')).items).toEqual([]);
  });
});
