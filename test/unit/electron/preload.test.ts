import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../../src/shared/app-api';
import { APP_CALL_CHANNEL, APP_EVENT_CHANNEL } from '../../../src/shared/app-methods';
import {
  appVersionArguments,
  appVersionFromArguments,
  PRELOAD_API_KEY,
  type PounceApi,
} from '../../../src/shared/preload-api';

// The preload imports electron, which cannot run here: stand in for contextBridge and for
// ipcRenderer, recording what goes over which channel.
const fake = vi.hoisted(() => {
  type Listener = (event: unknown, ...args: unknown[]) => void;
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    exposeInMainWorld: vi.fn<(key: string, api: unknown) => void>(),
    ipcRenderer: {
      invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
      on: vi.fn((channel: string, listener: Listener) => {
        listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      }),
      removeListener: vi.fn((channel: string, listener: Listener) => {
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((l) => l !== listener),
        );
      }),
    },
  };
});
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: fake.exposeInMainWorld },
  ipcRenderer: fake.ipcRenderer,
}));

/** Loads the preload afresh and returns what it exposed. */
async function load(): Promise<PounceApi> {
  await import('../../../src/preload/index');
  expect(fake.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = fake.exposeInMainWorld.mock.calls[0] ?? [];
  expect(key).toBe(PRELOAD_API_KEY);
  return api as PounceApi;
}

/** Main sends an event to the page. */
function emit(channel: string, ...args: unknown[]) {
  const sender = { secret: 'the IpcRendererEvent, whose sender is ipcRenderer itself' };
  for (const listener of fake.listeners.get(channel) ?? []) listener({ sender }, ...args);
}

describe('the preload script', () => {
  const argv = process.argv;

  beforeEach(() => {
    vi.resetModules();
    vi.clearAllMocks();
    fake.listeners.clear();
    process.argv = [...argv, ...appVersionArguments('2.4.0-beta.1')];
  });
  afterEach(() => {
    process.argv = argv;
  });

  it('exposes one frozen object as window.pounce: version, platform and the app API', async () => {
    const api = await load();
    expect(Object.keys(api).sort()).toEqual(['app', 'platform', 'version']);
    expect(api.version).toBe('2.4.0-beta.1');
    expect(api.platform).toBe(process.platform);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
    expect(Object.keys(api.app).sort()).toEqual(['call', 'onEvent']);
  });

  it('hands the page no ipcRenderer and no way to name a channel', async () => {
    const api = await load();
    const top: Record<string, unknown> = { ...api };
    const app: Record<string, unknown> = { ...api.app };
    // Facts are plain strings; the only functions are call and onEvent, not ipcRenderer's.
    expect(Object.values(top).filter((v) => typeof v === 'function')).toEqual([]);
    expect(Object.values(app)).not.toContain(fake.ipcRenderer.invoke);
    expect(Object.values(app)).not.toContain(fake.ipcRenderer.on);
    expect(Object.values(app).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends a call on the one call channel, as one envelope, and returns main’s answer', async () => {
    const api = await load();
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { items: [] } });
    await expect(api.app.call('queue.get', {})).resolves.toEqual({
      ok: true,
      value: { items: [] },
    });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(APP_CALL_CHANNEL, {
      method: 'queue.get',
      params: {},
    });
  });

  it('refuses a method that does not exist without sending anything', async () => {
    const api = await load();
    // As a page could call it from plain JavaScript, with anything as the method.
    const call = api.app.call.bind(api.app) as unknown as (
      method: unknown,
      params: unknown,
    ) => Promise<unknown>;
    for (const method of ['shell.exec', 'constructor', '__proto__', 42, undefined]) {
      await expect(call(method, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'unknown_method' },
      });
    }
    expect(fake.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('turns a broken IPC into a failed result, not an exception in the page', async () => {
    const api = await load();
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error('window closing'));
    await expect(api.app.call('status.get', {})).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'the app did not answer' },
    });
  });

  it('passes events to the listener without the IpcRendererEvent, until unsubscribed', async () => {
    const api = await load();
    const seen: unknown[][] = [];
    const stop = api.app.onEvent((...args: unknown[]) => seen.push(args));
    const event: AppEvent = { type: 'queue.counts', counts: { total: 2, untouched: 1 } };
    emit(APP_EVENT_CHANNEL, event);
    emit('some-other-channel', { type: 'online' });
    expect(seen).toEqual([[event]]);
    stop();
    emit(APP_EVENT_CHANNEL, { type: 'online' });
    expect(seen).toHaveLength(1);
    expect(fake.ipcRenderer.on).toHaveBeenCalledWith(APP_EVENT_CHANNEL, expect.any(Function));
  });

  it('refuses a listener that is not a function', async () => {
    const api = await load();
    expect(() => api.app.onEvent('alert(1)' as unknown as (event: AppEvent) => void)).toThrow(
      TypeError,
    );
    expect(fake.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('bundles no zod: it imports only zod-free shared modules at run time', () => {
    const source = readFileSync(join(__dirname, '../../../src/preload/index.ts'), 'utf8');
    const runtimeImports = [...source.matchAll(/^import (?!type )[^;]*from '([^']+)';$/gm)].map(
      (m) => m[1],
    );
    expect(runtimeImports.sort()).toEqual([
      '../shared/app-methods',
      '../shared/preload-api',
      'electron',
    ]);
  });
});

describe('the app version switch', () => {
  it('round-trips a semver version', () => {
    expect(appVersionFromArguments(['electron', ...appVersionArguments('1.0.0+build.7')])).toBe(
      '1.0.0+build.7',
    );
  });

  it('reports unknown when the switch is missing or its value is odd', () => {
    expect(appVersionFromArguments(['electron', '--type=renderer'])).toBe('unknown');
    expect(appVersionFromArguments(['--pounce-app-version=<img src=x>'])).toBe('unknown');
    expect(appVersionArguments('1.0.0 --inspect')).toEqual([]);
  });
});
