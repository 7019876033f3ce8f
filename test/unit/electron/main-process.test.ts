/**
 * The main process's wiring (src/main/index.ts) against a stand-in for Electron, which cannot run
 * here. The stand-in records calls and lets the test fire the app's events; the modules the
 * wiring calls (window options, hardening, CSP) are the real ones.
 */
import type {
  BrowserWindowConstructorOptions,
  HeadersReceivedResponse,
  OnHeadersReceivedListenerDetails,
} from 'electron';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => void;
type HeadersListener = (
  details: OnHeadersReceivedListenerDetails,
  callback: (response: HeadersReceivedResponse) => void,
) => void;

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
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn((): boolean => app.lock),
    quit: vi.fn(),
    exit: vi.fn(),
    setAppUserModelId: vi.fn(),
    isReady: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getVersion: vi.fn(() => '3.1.4'),
  });

  const defaultSession = {
    webRequest: { onHeadersReceived: vi.fn<(listener: HeadersListener) => void>() },
  };

  class FakeWebContents extends Emitter {
    readonly setWindowOpenHandler = vi.fn();
    readonly session = {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
    };
  }

  class FakeBrowserWindow extends Emitter {
    static readonly created: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn((_url: string) => Promise.resolve());
    readonly loadFile = vi.fn((_path: string) => Promise.resolve());
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
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
  }

  return {
    app,
    defaultSession,
    FakeBrowserWindow,
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.FakeBrowserWindow,
  nativeTheme: { shouldUseDarkColors: false },
  session: { defaultSession: fake.defaultSession },
  shell: fake.shell,
}));

/** Imports src/main/index.ts afresh (it starts the app on import) and lets whenReady settle. */
async function startMainProcess(): Promise<void> {
  vi.resetModules();
  await import('../../../src/main/index');
  await new Promise((resolve) => setImmediate(resolve));
}

function onlyWindow() {
  expect(fake.FakeBrowserWindow.created).toHaveLength(1);
  const [window] = fake.FakeBrowserWindow.created;
  if (window === undefined) throw new Error('no window');
  return window;
}

beforeEach(() => {
  vi.clearAllMocks();
  fake.app.handlers.clear();
  fake.app.lock = true;
  fake.app.isPackaged = true;
  fake.FakeBrowserWindow.created.length = 0;
  vi.stubGlobal('__POUNCE_SERVER_URL__', 'https://pounce.example.com');
  vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/');
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
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
