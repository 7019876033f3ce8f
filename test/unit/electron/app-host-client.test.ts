// This file runs on vitest's fake timers: vi.waitFor advances them while it polls, where
// eventually() (real timers) would wait forever.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppHostClient, type AppHostClientOptions } from '../../../src/main/shell/app-host-client';
import {
  HOST_PROTOCOL_VERSION,
  type HostChannel,
  type ToHost,
} from '../../../src/main/host/host-protocol';
import { MemorySecretStore } from '../../../src/main/host/memory-secret-store';
import type { Toast } from '../../../src/main/client/notifier';
import { type AppEvent, DEFAULT_APP_SETTINGS } from '../../../src/shared/app-api';

/*
 * Main's side of the host, against a hand-played host: what a real host does is in
 * test/integration/app-host.test.ts; here are the cases a real one will not do on cue (never
 * answering, dying over and over, answering late, sending garbage). Timers are fake: no test
 * waits for a wall clock.
 */

class FakeChannel implements HostChannel {
  readonly sent: ToHost[] = [];
  killed = false;
  private messageListener: ((raw: unknown) => void) | null = null;
  private exitListener: ((code: number | null) => void) | null = null;
  postMessage(message: ToHost): void {
    this.sent.push(message);
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.messageListener = listener;
  }
  onExit(listener: (code: number | null) => void): void {
    this.exitListener = listener;
  }
  kill(): void {
    this.killed = true;
  }
  /** The host sends a message. */
  reply(raw: unknown): void {
    this.messageListener?.(raw);
  }
  exit(code: number | null = 1): void {
    this.exitListener?.(code);
  }
  requests() {
    return this.sent.filter((m) => m.kind === 'request');
  }
}

const ready = {
  kind: 'ready',
  version: HOST_PROTOCOL_VERSION,
  session: null,
  settings: DEFAULT_APP_SETTINGS,
};

let channels: FakeChannel[];
let events: AppEvent[];
let clock: number;

function client(overrides: Partial<AppHostClientOptions> = {}) {
  const shown: Toast[] = [];
  const opened: string[] = [];
  const secrets = new MemorySecretStore();
  const host = new AppHostClient({
    spawn: () => {
      const channel = new FakeChannel();
      channels.push(channel);
      return channel;
    },
    dataDir: '/data/app',
    secrets,
    notifier: {
      show: (toast) => {
        shown.push(toast);
        return Promise.resolve();
      },
    },
    openExternal: (url) => {
      opened.push(url);
    },
    onEvent: (event) => events.push(event),
    requestTimeoutMs: 1000,
    restartDelayMs: () => 100,
    clock: () => clock,
    ...overrides,
  });
  host.start();
  return { host, shown, opened, secrets };
}

function current(): FakeChannel {
  const channel = channels.at(-1);
  if (!channel) throw new Error('no host started');
  return channel;
}

beforeEach(() => {
  vi.useFakeTimers();
  channels = [];
  events = [];
  clock = 0;
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('AppHostClient', () => {
  it('starts the host with init, then forwards requests and answers them by id', async () => {
    const { host } = client({
      autoSignIn: { serverUrl: 'http://s', email: 'a@b.c', password: 'p' },
    });
    expect(current().sent[0]).toEqual({
      kind: 'init',
      version: HOST_PROTOCOL_VERSION,
      dataDir: '/data/app',
      autoSignIn: { serverUrl: 'http://s', email: 'a@b.c', password: 'p' },
    });
    const answer = host.call({ method: 'queue.get', params: {} });
    const request = current().requests()[0];
    expect(request).toMatchObject({ kind: 'request', method: 'queue.get', params: {} });
    if (request?.kind !== 'request') throw new Error('no request');
    current().reply({ kind: 'response', id: request.id, result: { ok: true, value: 'q' } });
    await expect(answer).resolves.toEqual({ ok: true, value: 'q' });
  });

  it('answers internal when the host does not answer in time, and drops the late answer', async () => {
    const { host } = client();
    const answer = host.call({ method: 'status.get', params: {} });
    vi.advanceTimersByTime(1000);
    await expect(answer).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'the app service did not answer in time' },
    });
    const request = current().requests()[0];
    if (request?.kind !== 'request') throw new Error('no request');
    current().reply({ kind: 'response', id: request.id, result: { ok: true, value: 1 } });
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('late answer'));
  });

  it('ignores a message that fails its check, and keeps answering', async () => {
    const { host } = client();
    for (const garbage of [null, 'x', { kind: 'response', id: 'one' }, { kind: 'evil' }]) {
      current().reply(garbage);
    }
    current().reply({ kind: 'event', event: { type: 'queue.counts', counts: { total: -5 } } });
    expect(events).toEqual([]);
    const answer = host.call({ method: 'session.get', params: {} });
    const request = current().requests()[0];
    if (request?.kind !== 'request') throw new Error('no request');
    current().reply({ kind: 'response', id: request.id, result: { ok: true, value: null } });
    await expect(answer).resolves.toEqual({ ok: true, value: null });
    expect(console.error).toHaveBeenCalledWith(
      expect.stringContaining('ignored a message from the app service: response: id:'),
    );
  });

  it('passes events on', () => {
    client();
    current().reply({
      kind: 'event',
      event: { type: 'queue.counts', counts: { total: 2, untouched: 1 } },
    });
    current().reply({ kind: 'event', event: { type: 'online' } });
    expect(events).toEqual([
      { type: 'queue.counts', counts: { total: 2, untouched: 1 } },
      { type: 'online' },
    ]);
  });

  it('answers the host’s secret and toast asks, and checks links again before opening them', async () => {
    const { shown, opened, secrets } = client();
    const session = {
      serverUrl: 'http://s',
      token: 'secret-token',
      user: { id: 'u', email: 'a@b.c', name: 'A' },
    };
    current().reply({ kind: 'secret.save', id: 7, session });
    current().reply({ kind: 'secret.load', id: 8 });
    current().reply({ kind: 'toast', id: 9, toast: { title: 'Hot lead: Ana', body: 'Acme' } });
    current().reply({ kind: 'link.open', url: 'javascript:alert(1)' });
    current().reply({ kind: 'link.open', url: 'mailto:ana@example.com' });
    await vi.waitFor(() => expect(current().sent.filter((m) => m.kind !== 'init')).toHaveLength(3));
    expect(await secrets.load()).toEqual(session);
    expect(current().sent).toContainEqual({
      kind: 'secret.reply',
      id: 7,
      outcome: { ok: true, session: null },
    });
    expect(current().sent).toContainEqual({
      kind: 'secret.reply',
      id: 8,
      outcome: { ok: true, session },
    });
    expect(current().sent).toContainEqual({ kind: 'toast.reply', id: 9, outcome: { ok: true } });
    expect(shown).toEqual([{ title: 'Hot lead: Ana', body: 'Acme' }]);
    expect(opened).toEqual(['mailto:ana@example.com']);
  });

  it('tells the host when a toast or the secret store failed', async () => {
    client({
      notifier: { show: () => Promise.reject(new Error('no daemon')) },
      secrets: {
        load: () => Promise.reject(new Error('keychain locked')),
        save: () => Promise.resolve(),
        clear: () => Promise.resolve(),
      },
    });
    current().reply({ kind: 'toast', id: 1, toast: { title: 't', body: 'b' } });
    current().reply({ kind: 'secret.load', id: 2 });
    await vi.waitFor(() => expect(current().sent).toHaveLength(3));
    expect(current().sent).toContainEqual({
      kind: 'toast.reply',
      id: 1,
      outcome: { ok: false, message: 'no daemon' },
    });
    expect(current().sent).toContainEqual({
      kind: 'secret.reply',
      id: 2,
      outcome: { ok: false, message: 'keychain locked' },
    });
  });

  it('restarts a host that died, answering what it held, and tells the window', async () => {
    const { host } = client({
      autoSignIn: { serverUrl: 'http://s', email: 'a@b.c', password: 'p' },
    });
    current().reply(ready);
    const held = host.call({ method: 'queue.get', params: {} });
    current().exit(1);
    await expect(held).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(events).toEqual([
      { type: 'offline', reason: 'the app service stopped; restarting it', retryInMs: 100 },
    ]);

    // A request while no host runs waits for the next one.
    const waiting = host.call({ method: 'session.get', params: {} });
    expect(channels).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(channels).toHaveLength(2);
    // The demo's sign-in is not repeated: a rep who signed out stays signed out.
    expect(current().sent[0]).toEqual({
      kind: 'init',
      version: HOST_PROTOCOL_VERSION,
      dataDir: '/data/app',
    });
    const request = current().requests()[0];
    if (request?.kind !== 'request') throw new Error('the waiting request was not sent');
    const session = { serverUrl: 'http://s', user: { id: 'u', email: 'a@b.c', name: 'A' } };
    current().reply({ ...ready, session });
    expect(events.at(-1)).toEqual({ type: 'session.changed', session });
    current().reply({ kind: 'response', id: request.id, result: { ok: true, value: session } });
    await expect(waiting).resolves.toEqual({ ok: true, value: session });
  });

  it('ignores messages and exits of a host it already replaced', () => {
    client();
    const first = current();
    first.exit(1);
    vi.advanceTimersByTime(100);
    first.reply({ kind: 'event', event: { type: 'online' } });
    first.exit(1);
    expect(channels).toHaveLength(2);
    expect(events.filter((e) => e.type === 'online')).toEqual([]);
    expect(events.filter((e) => e.type === 'offline')).toHaveLength(1);
  });

  it('gives up after the host died quickly too many times in a row', async () => {
    const { host } = client({ maxRestarts: 2 });
    current().exit(1);
    vi.advanceTimersByTime(100);
    current().exit(1);
    vi.advanceTimersByTime(100);
    current().exit(1);
    vi.advanceTimersByTime(100);
    expect(channels).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'stopped', code: 'app_service_failed' });
    await expect(host.call({ method: 'queue.get', params: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('keeps restarting a host that ran for a while between crashes', () => {
    client({ maxRestarts: 1, stableAfterMs: 60_000 });
    for (let i = 0; i < 4; i += 1) {
      clock += 60_000;
      current().exit(1);
      vi.advanceTimersByTime(100);
    }
    expect(channels).toHaveLength(5);
    expect(events.some((e) => e.type === 'stopped')).toBe(false);
  });

  it('closes: asks the host to close, ends it once it has, and answers later calls', async () => {
    const { host } = client();
    const closing = host.close();
    expect(current().sent.at(-1)).toEqual({ kind: 'close' });
    expect(current().killed).toBe(false);
    current().reply({ kind: 'closed' });
    await closing;
    expect(current().killed).toBe(true);
    current().exit(0);
    vi.advanceTimersByTime(10_000);
    expect(channels).toHaveLength(1);
    await expect(host.call({ method: 'queue.get', params: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'the app is closing' },
    });
  });

  it('ends a host that does not close in time', async () => {
    const { host } = client({ closeTimeoutMs: 2000 });
    const closing = host.close();
    vi.advanceTimersByTime(2000);
    await closing;
    expect(current().killed).toBe(true);
  });
});
