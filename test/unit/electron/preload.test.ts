import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  appVersionArguments,
  appVersionFromArguments,
  PRELOAD_API_KEY,
} from '../../../src/shared/preload-api';

// The preload imports electron, which cannot run here: stand in for the one function it uses.
const exposeInMainWorld = vi.hoisted(() => vi.fn<(key: string, api: unknown) => void>());
vi.mock('electron', () => ({ contextBridge: { exposeInMainWorld } }));

describe('the preload script', () => {
  const argv = process.argv;

  beforeEach(() => {
    vi.resetModules();
    exposeInMainWorld.mockClear();
    process.argv = [...argv, ...appVersionArguments('2.4.0-beta.1')];
  });
  afterEach(() => {
    process.argv = argv;
  });

  it('exposes one frozen object of read-only facts as window.pounce', async () => {
    await import('../../../src/preload/index');
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] ?? [];
    expect(key).toBe(PRELOAD_API_KEY);
    expect(api).toEqual({ version: '2.4.0-beta.1', platform: process.platform });
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('hands the page no functions (no ipcRenderer, no channels)', async () => {
    await import('../../../src/preload/index');
    const api = exposeInMainWorld.mock.calls[0]?.[1] as Record<string, unknown>;
    for (const value of Object.values(api)) expect(typeof value).not.toBe('function');
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
