/**
 * The main process's wiring (src/main/shell/index.ts) against a stand-in for Electron, which
 * cannot run here. The stand-in records calls and lets the test fire the app's events and play the
 * app-service host (a utility process in the app); the modules the wiring calls (window options,
 * hardening, CSP, the IPC gate, the host client, tray, notifications, window state, login item)
 * are the real ones.
 */
import type {
  BrowserWindowConstructorOptions,
  HeadersReceivedResponse,
  OnHeadersReceivedListenerDetails,
} from 'electron';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../helpers/eventually';
import { HOST_PROTOCOL_VERSION } from '../../../src/main/host/host-protocol';
import type { InvokeEventLike } from '../../../src/main/shell/ipc';
import { type AppSettings, DEFAULT_APP_SETTINGS } from '../../../src/shared/app-api';
import { APP_CALL_CHANNEL, APP_EVENT_CHANNEL } from '../../../src/shared/app-methods';

type Handler = (...args: unknown[]) => void;
type HeadersListener = (
  details: OnHeadersReceivedListenerDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;
type InvokeHandler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

const fake = vi.hoisted(() => {
  /** Just enough of an EventEmitter for app and BrowserWindow. */
  class Emitter {
    readonly handlers = new Map<string, Handler[]>();
    on(event: string, handler: Handler): this {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
      return this;
    }
    once(event: string, handler: Handler): this {
      return this.on(event, handler);
    }
    emit(event: string, ...args: unknown[]): void {
      for (const handler of this.handlers.get(event) ?? []) handler(...args);
    }
  }

  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    lock: true,
    userData: '/tmp/pounce-user-data',
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn((): boolean => app.lock),
    quit: vi.fn(),
    exit: vi.fn(),
    setAppUserModelId: vi.fn(),
    isReady: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getVersion: vi.fn(() => '3.1.4'),
    getPath: vi.fn((name: string) => (name === 'userData' ? app.userData : `/tmp/${name}`)),
    setPath: vi.fn((name: string, value: string) => {
      if (name === 'userData') app.userData = value;
    }),
    setBadgeCount: vi.fn(() => true),
    setLoginItemSettings: vi.fn(),
  });

  const defaultSession = {
    webRequest: { onHeadersReceived: vi.fn<(listener: HeadersListener) => void>() },
  };

  class FakeWebContents extends Emitter {
    url = '';
    loading = false;
    readonly setWindowOpenHandler = vi.fn();
    readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>();
    readonly session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
    };
    getURL(): string {
      return this.url;
    }
    isLoading(): boolean {
      return this.loading;
    }
    isDestroyed(): boolean {
      return false;
    }
  }

  class FakeBrowserWindow extends Emitter {
    static readonly created: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn((url: string) => {
      this.webContents.url = url;
      return Promise.resolve();
    });
    readonly loadFile = vi.fn((path: string) => {
      this.webContents.url = new URL(`file://${path}`).href;
      return Promise.resolve();
    });
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    readonly maximize = vi.fn();
    readonly setOverlayIcon = vi.fn();
    readonly flashFrame = vi.fn();
    minimized = false;
    destroyed = false;
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      FakeBrowserWindow.created.push(this);
      // Electron announces the new WebContents while constructing the window.
      app.emit('web-contents-created', {}, this.webContents);
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isMaximized(): boolean {
      return false;
    }
    isFocused(): boolean {
      return false;
    }
    getNormalBounds() {
      return {
        x: this.options.x ?? 0,
        y: this.options.y ?? 0,
        width: this.options.width ?? 0,
        height: this.options.height ?? 0,
      };
    }
  }

  /** The app-service host as Electron's utilityProcess.fork returns it; the test answers for it. */
  class FakeUtilityProcess extends Emitter {
    static readonly forked: FakeUtilityProcess[] = [];
    readonly posted: Record<string, unknown>[] = [];
    readonly kill = vi.fn(() => true);
    constructor(
      readonly modulePath: string,
      readonly options: unknown,
    ) {
      super();
      FakeUtilityProcess.forked.push(this);
    }
    postMessage(message: Record<string, unknown>): void {
      this.posted.push(message);
    }
  }

  class FakeNotification extends Emitter {
    static readonly created: FakeNotification[] = [];
    static isSupported = vi.fn(() => true);
    readonly show = vi.fn();
    constructor(readonly options: { title: string; body: string; silent: boolean }) {
      super();
      FakeNotification.created.push(this);
    }
  }

  class FakeTray extends Emitter {
    static readonly created: FakeTray[] = [];
    readonly setToolTip = vi.fn<(text: string) => void>();
    readonly setTitle = vi.fn();
    readonly setContextMenu = vi.fn();
    readonly destroy = vi.fn();
    constructor(readonly image: unknown) {
      super();
      FakeTray.created.push(this);
    }
  }

  const ipcHandlers = new Map<string, InvokeHandler>();

  return {
    app,
    defaultSession,
    FakeBrowserWindow,
    FakeUtilityProcess,
    FakeNotification,
    FakeTray,
    ipcHandlers,
    ipcMain: {
      handle: vi.fn((channel: string, handler: InvokeHandler) => {
        ipcHandlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => ipcHandlers.delete(channel)),
    },
    utilityProcess: {
      fork: vi.fn(
        (modulePath: string, _args: string[], options: unknown) =>
          new FakeUtilityProcess(modulePath, options),
      ),
    },
    // No keychain here: the session stays in memory (secret-store.test.ts covers the file).
    safeStorage: {
      isAsyncEncryptionAvailable: () => Promise.resolve(false),
      encryptStringAsync: () => Promise.reject(new Error('unavailable')),
      decryptStringAsync: () => Promise.reject(new Error('unavailable')),
      getSelectedStorageBackend: () => 'basic_text',
    },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
    },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeBrowserWindow,
  ipcMain: fake.ipcMain,
  Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
  nativeImage: { createFromPath: (path: string) => ({ path }) },
  nativeTheme: { shouldUseDarkColors: false },
  Notification: fake.FakeNotification,
  safeStorage: fake.safeStorage,
  screen: fake.screen,
  session: { defaultSession: fake.defaultSession },
  shell: fake.shell,
  Tray: fake.FakeTray,
  utilityProcess: fake.utilityProcess,
}));

/**
 * Imports src/main/shell/index.ts afresh (it starts the app on import) and lets whenReady settle.
 */
async function startMainProcess(): Promise<void> {
  vi.resetModules();
  await import('../../../src/main/shell/index');
  await settle();
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function onlyWindow() {
  expect(fake.FakeBrowserWindow.created).toHaveLength(1);
  const [window] = fake.FakeBrowserWindow.created;
  if (window === undefined) throw new Error('no window');
  return window;
}

function host() {
  const forked = fake.FakeUtilityProcess.forked.at(-1);
  if (forked === undefined) throw new Error('no host forked');
  return forked;
}

function hostReady(settings: AppSettings = DEFAULT_APP_SETTINGS): void {
  host().emit('message', {
    kind: 'ready',
    version: HOST_PROTOCOL_VERSION,
    session: null,
    settings,
  });
}

/** Calls the app the way the preload does, from `frame` (default: the window's page). */
function invoke(envelope: unknown, frame?: InvokeEventLike['senderFrame']) {
  const handler = fake.ipcHandlers.get(APP_CALL_CHANNEL);
  if (handler === undefined) throw new Error('no IPC handler');
  const senderFrame =
    frame === undefined ? { url: onlyWindow().webContents.url, parent: null } : frame;
  return handler({ senderFrame }, envelope);
}

function requestsToHost() {
  return host().posted.filter((m) => m['kind'] === 'request');
}

let configHome: string;

beforeEach(() => {
  vi.clearAllMocks();
  fake.app.handlers.clear();
  fake.app.lock = true;
  fake.app.isPackaged = true;
  fake.app.userData = mkdtempSync(join(tmpdir(), 'pounce-main-'));
  configHome = mkdtempSync(join(tmpdir(), 'pounce-xdg-'));
  fake.FakeBrowserWindow.created.length = 0;
  fake.FakeUtilityProcess.forked.length = 0;
  fake.FakeNotification.created.length = 0;
  fake.FakeTray.created.length = 0;
  fake.ipcHandlers.clear();
  Object.defineProperty(process, 'resourcesPath', {
    value: '/opt/Pounce/resources',
    configurable: true,
  });
  vi.stubGlobal('__POUNCE_SERVER_URL__', 'https://pounce.example.com');
  vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/');
  vi.stubEnv('POUNCE_DEMO_SIGN_IN', '');
  vi.stubEnv('POUNCE_USER_DATA_DIR', '');
  vi.stubEnv('XDG_CONFIG_HOME', configHome);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the main process', () => {
  it('quits at once when another instance holds the lock', async () => {
    fake.app.lock = false;
    await startMainProcess();
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.app.whenReady).not.toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.created).toHaveLength(0);
  });

  it('sandboxes every renderer before the app is ready', async () => {
    await startMainProcess();
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.app.enableSandbox.mock.invocationCallOrder[0]).toBeLessThan(
      fake.app.whenReady.mock.invocationCallOrder[0] ?? 0,
    );
  });

  it('opens one hardened, sandboxed window on the built page, ignoring ELECTRON_RENDERER_URL', async () => {
    await startMainProcess();
    const window = onlyWindow();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      additionalArguments: ['--pounce-app-version=3.1.4'],
    });
    expect(window.options.webPreferences?.preload).toMatch(/preload[/\\]index\.js$/);
    expect(window.loadURL).not.toHaveBeenCalled();
    expect(window.loadFile).toHaveBeenCalledWith(
      expect.stringMatching(/renderer[/\\]index\.html$/),
    );
    // Hardened through 'web-contents-created', before anything loaded.
    expect(window.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(window.webContents.session.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect(window.webContents.handlers.get('will-frame-navigate')).toHaveLength(1);
  });

  it('shows the window once it has painted', async () => {
    await startMainProcess();
    const window = onlyWindow();
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalled();
  });

  it('sends the Content-Security-Policy header naming the built-in server', async () => {
    await startMainProcess();
    expect(fake.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledTimes(1);
    const listener = fake.defaultSession.webRequest.onHeadersReceived.mock.calls[0]?.[0];
    const page = onlyWindow().loadFile.mock.calls[0]?.[0];
    if (listener === undefined || page === undefined) throw new Error('nothing to test');
    let response: HeadersReceivedResponse | undefined;
    listener(
      {
        id: 1,
        url: pathToFileURL(page).href,
        method: 'GET',
        resourceType: 'mainFrame',
        referrer: '',
        timestamp: 0,
        statusLine: 'HTTP/1.1 200 OK',
        statusCode: 200,
      },
      (r) => {
        response = r;
      },
    );
    const policy = String(response?.responseHeaders?.['Content-Security-Policy'] ?? '');
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain(
      "connect-src 'self' https://pounce.example.com wss://pounce.example.com",
    );
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('brings the existing window forward when the app is started again', async () => {
    await startMainProcess();
    const window = onlyWindow();
    window.minimized = true;
    fake.app.emit('second-instance');
    expect(fake.FakeBrowserWindow.created).toHaveLength(1);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('opens a new window on activate after the last one closed', async () => {
    await startMainProcess();
    const window = onlyWindow();
    window.destroyed = true;
    window.emit('closed');
    fake.app.emit('activate');
    expect(fake.FakeBrowserWindow.created).toHaveLength(2);
  });

  it('quits when the last window closes (outside macOS)', async () => {
    await startMainProcess();
    fake.app.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });
});

describe('the main process and the app-service host', () => {
  it('forks the host as a utility process and starts it on a data folder in userData', async () => {
    await startMainProcess();
    expect(fake.utilityProcess.fork).toHaveBeenCalledTimes(1);
    expect(host().modulePath).toMatch(/[/\\]app-host\.js$/);
    expect(host().posted[0]).toEqual({
      kind: 'init',
      version: HOST_PROTOCOL_VERSION,
      dataDir: join(fake.app.userData, 'app'),
    });
  });

  it('does not fork the host when another instance holds the lock', async () => {
    fake.app.lock = false;
    await startMainProcess();
    expect(fake.utilityProcess.fork).not.toHaveBeenCalled();
    expect(fake.ipcMain.handle).not.toHaveBeenCalled();
  });

  it('registers the IPC handler before the window loads its page', async () => {
    await startMainProcess();
    expect(fake.ipcMain.handle).toHaveBeenCalledWith(APP_CALL_CHANNEL, expect.any(Function));
    expect(fake.ipcMain.handle.mock.invocationCallOrder[0]).toBeLessThan(
      onlyWindow().loadFile.mock.invocationCallOrder[0] ?? 0,
    );
  });

  it('forwards a valid call from the app page to the host and returns its answer', async () => {
    await startMainProcess();
    const answer = invoke({ method: 'queue.get', params: {} });
    const [request] = requestsToHost();
    expect(request).toMatchObject({ kind: 'request', method: 'queue.get', params: {} });
    host().emit('message', {
      kind: 'response',
      id: request?.['id'],
      result: { ok: true, value: { items: [], at: 1, counts: { total: 0, untouched: 0 } } },
    });
    await expect(answer).resolves.toMatchObject({ ok: true, value: { items: [] } });
  });

  it('refuses bad envelopes, bad params and unknown methods before the host sees them', async () => {
    await startMainProcess();
    const bad = [
      null,
      { method: 'queue.get', params: {}, extra: 1 },
      { method: 'shell.exec', params: {} },
      { method: 'lead.get', params: { id: 'not-a-lead' } },
      {
        method: 'session.signIn',
        params: { serverUrl: 'file:///etc', email: 'a@b.c', password: 'p' },
      },
    ];
    for (const envelope of bad) {
      const result = (await invoke(envelope)) as { ok: boolean; error: { code: string } };
      expect(result.ok).toBe(false);
      expect(['invalid_request', 'unknown_method']).toContain(result.error.code);
    }
    const named = (await invoke({ method: 'lead.get', params: { id: 'x' } })) as {
      error: { fields: { field: string }[] };
    };
    expect(named.error.fields.map((f) => f.field)).toEqual(['id']);
    expect(requestsToHost()).toEqual([]);
  });

  it('refuses calls from a foreign page or a subframe before the host sees them', async () => {
    await startMainProcess();
    const page = onlyWindow().webContents.url;
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: page, parent: { url: page, parent: null } },
      null,
    ]) {
      await expect(invoke({ method: 'queue.get', params: {} }, frame)).resolves.toMatchObject({
        ok: false,
        error: { code: 'refused' },
      });
    }
    expect(requestsToHost()).toEqual([]);
  });

  it('sends the host’s events to the window on the event channel', async () => {
    await startMainProcess();
    const window = onlyWindow();
    host().emit('message', { kind: 'event', event: { type: 'online' } });
    expect(window.webContents.send).toHaveBeenCalledWith(APP_EVENT_CHANNEL, { type: 'online' });
  });

  it('drops an event that fails its check', async () => {
    await startMainProcess();
    host().emit('message', { kind: 'event', event: { type: 'eval', code: 'x' } });
    expect(onlyWindow().webContents.send).not.toHaveBeenCalled();
  });

  it('shows the untouched count in the tray and on the badge', async () => {
    await startMainProcess();
    const [tray] = fake.FakeTray.created;
    expect(tray?.setToolTip).toHaveBeenLastCalledWith('Pounce');
    host().emit('message', {
      kind: 'event',
      event: { type: 'queue.counts', counts: { total: 5, untouched: 2 } },
    });
    expect(tray?.setToolTip).toHaveBeenLastCalledWith('Pounce: 2 untouched leads (5 in the queue)');
    if (process.platform !== 'win32') expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(2);
    // The window is told too (for its title).
    expect(onlyWindow().webContents.send).toHaveBeenCalledWith(APP_EVENT_CHANNEL, {
      type: 'queue.counts',
      counts: { total: 5, untouched: 2 },
    });
  });

  it('applies start at login when the host is ready and on every settings change', async () => {
    await startMainProcess();
    hostReady({ ...DEFAULT_APP_SETTINGS, startAtLogin: true });
    const autostart = join(configHome, 'autostart', 'pounce.desktop');
    if (process.platform === 'linux') {
      expect(readFileSync(autostart, 'utf8')).toContain('Exec=');
    } else {
      expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true });
    }
    host().emit('message', {
      kind: 'event',
      event: {
        type: 'settings.changed',
        settings: { ...DEFAULT_APP_SETTINGS, startAtLogin: false },
      },
    });
    if (process.platform === 'linux') expect(existsSync(autostart)).toBe(false);
    else expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
  });

  it('answers the host’s secret requests (in memory where there is no keychain)', async () => {
    await startMainProcess();
    const session = {
      serverUrl: 'http://s',
      token: 'tok',
      user: { id: 'u', email: 'e', name: 'n' },
    };
    host().emit('message', { kind: 'secret.save', id: 1, session });
    await eventually(() =>
      expect(host().posted).toContainEqual({
        kind: 'secret.reply',
        id: 1,
        outcome: { ok: true, session: null },
      }),
    );
    host().emit('message', { kind: 'secret.load', id: 2 });
    await eventually(() =>
      expect(host().posted).toContainEqual({
        kind: 'secret.reply',
        id: 2,
        outcome: { ok: true, session },
      }),
    );
    expect(existsSync(join(fake.app.userData, 'session.bin'))).toBe(false);
  });

  it('shows a toast the host asks for; its click brings the window up on that lead', async () => {
    await startMainProcess();
    const window = onlyWindow();
    host().emit('message', {
      kind: 'toast',
      id: 4,
      toast: { title: 'Hot lead: Ada', body: 'Acme', leadId: 'lead-7', silent: true },
    });
    await eventually(() => expect(fake.FakeNotification.created).toHaveLength(1));
    const [notification] = fake.FakeNotification.created;
    expect(notification?.options).toEqual({ title: 'Hot lead: Ada', body: 'Acme', silent: true });
    expect(notification?.show).toHaveBeenCalled();
    notification?.emit('show');
    await eventually(() =>
      expect(host().posted).toContainEqual({ kind: 'toast.reply', id: 4, outcome: { ok: true } }),
    );
    window.minimized = true;
    notification?.emit('click');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(APP_EVENT_CHANNEL, {
      type: 'lead.focus',
      leadId: 'lead-7',
    });
  });

  it('opens only allowed links the host hands over', async () => {
    await startMainProcess();
    host().emit('message', { kind: 'link.open', url: 'file:///etc/passwd' });
    host().emit('message', { kind: 'link.open', url: 'tel:+15555550100' });
    expect(fake.shell.openExternal.mock.calls).toEqual([['tel:+15555550100']]);
  });

  it('tells the window when the host died, and starts a new one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await startMainProcess();
      host().emit('exit', 9);
      expect(onlyWindow().webContents.send).toHaveBeenCalledWith(
        APP_EVENT_CHANNEL,
        expect.objectContaining({ type: 'offline' }),
      );
      vi.advanceTimersByTime(1000);
      expect(fake.FakeUtilityProcess.forked).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('quits only after the host closed the app service', async () => {
    await startMainProcess();
    const preventDefault = vi.fn();
    fake.app.emit('will-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(host().posted.at(-1)).toEqual({ kind: 'close' });
    expect(fake.app.quit).not.toHaveBeenCalled();
    host().emit('message', { kind: 'closed' });
    await eventually(() => expect(fake.app.quit).toHaveBeenCalledTimes(1));
    expect(host().kill).toHaveBeenCalled();
    expect(fake.FakeTray.created[0]?.destroy).toHaveBeenCalled();
    // The second will-quit (from that app.quit) goes through.
    const again = vi.fn();
    fake.app.emit('will-quit', { preventDefault: again });
    expect(again).not.toHaveBeenCalled();
  });

  it('restores the window where it was, and remembers where it is on close', async () => {
    writeFileSync(
      join(fake.app.userData, 'window-state.json'),
      JSON.stringify({ x: 100, y: 50, width: 1000, height: 700, maximized: true }),
    );
    await startMainProcess();
    const window = onlyWindow();
    expect(window.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700 });
    window.emit('ready-to-show');
    expect(window.maximize).toHaveBeenCalled();
    window.emit('close');
    expect(JSON.parse(readFileSync(join(fake.app.userData, 'window-state.json'), 'utf8'))).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });
});

describe('the main process in development', () => {
  const signIn = {
    serverUrl: 'http://localhost:8787',
    allowInsecureHttp: true,
    email: 'rep@demo.test',
    password: 'pw-1',
  };

  it('passes POUNCE_DEMO_SIGN_IN to the host and moves userData to POUNCE_USER_DATA_DIR', async () => {
    fake.app.isPackaged = false;
    const demo = mkdtempSync(join(tmpdir(), 'pounce-demo-'));
    vi.stubEnv('POUNCE_DEMO_SIGN_IN', JSON.stringify(signIn));
    vi.stubEnv('POUNCE_USER_DATA_DIR', demo);
    await startMainProcess();
    expect(fake.app.setPath).toHaveBeenCalledWith('userData', demo);
    // Before the lock: the lock is per userData folder.
    expect(fake.app.setPath.mock.invocationCallOrder[0]).toBeLessThan(
      fake.app.requestSingleInstanceLock.mock.invocationCallOrder[0] ?? 0,
    );
    expect(host().posted[0]).toEqual({
      kind: 'init',
      version: HOST_PROTOCOL_VERSION,
      dataDir: join(demo, 'app'),
      autoSignIn: signIn,
    });
  });

  it('ignores both in a packaged app', async () => {
    vi.stubEnv('POUNCE_DEMO_SIGN_IN', JSON.stringify(signIn));
    vi.stubEnv('POUNCE_USER_DATA_DIR', '/tmp/elsewhere');
    await startMainProcess();
    expect(fake.app.setPath).not.toHaveBeenCalled();
    expect(host().posted[0]).not.toHaveProperty('autoSignIn');
  });

  it('stops with a message naming the variable when POUNCE_DEMO_SIGN_IN is wrong', async () => {
    fake.app.isPackaged = false;
    vi.stubEnv('POUNCE_DEMO_SIGN_IN', '{"email": 1}');
    await startMainProcess();
    expect(fake.app.exit).toHaveBeenCalledWith(1);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringMatching(/^\[main\] POUNCE_DEMO_SIGN_IN: /),
    );
    expect(fake.utilityProcess.fork).not.toHaveBeenCalled();
  });
});
