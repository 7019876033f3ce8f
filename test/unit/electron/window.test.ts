import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  hardenWebContents,
  mainWindowOptions,
  type HardenableWebContents,
} from '../../../src/main/shell/window';

describe('mainWindowOptions', () => {
  const options = mainWindowOptions({
    preloadPath: '/app/out/preload/index.js',
    appVersion: '1.2.3',
    dark: false,
  });

  it('isolates and sandboxes the renderer, without Node', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('loads the given preload and passes it the app version', () => {
    expect(options.webPreferences?.preload).toBe('/app/out/preload/index.js');
    expect(options.webPreferences?.additionalArguments).toEqual(['--pounce-app-version=1.2.3']);
  });

  it('stays hidden until the page is ready, in the page background colour', () => {
    expect(options.show).toBe(false);
    expect(options.backgroundColor).toBe('#f6f7f9');
    const dark = mainWindowOptions({ preloadPath: '/p.js', appVersion: '1.0.0', dark: true });
    expect(dark.backgroundColor).toBe('#16181d');
  });

  it('opens at the default size, or at the restored bounds, never below the minimum', () => {
    expect(options).toMatchObject({ width: 1280, height: 800, minWidth: 800, minHeight: 560 });
    expect(options).not.toHaveProperty('x');
    const restored = mainWindowOptions({
      preloadPath: '/p.js',
      appVersion: '1.0.0',
      dark: false,
      bounds: { x: -1200, y: 40, width: 1000, height: 700 },
    });
    expect(restored).toMatchObject({ x: -1200, y: 40, width: 1000, height: 700, minWidth: 800 });
  });

  it('drops a version string that could smuggle another switch', () => {
    const odd = mainWindowOptions({ preloadPath: '/p.js', appVersion: '1 --inspect', dark: false });
    expect(odd.webPreferences?.additionalArguments).toEqual([]);
  });
});

type Listener = (event: FakeEvent) => void;

interface FakeEvent {
  readonly url: string;
  readonly isMainFrame: boolean;
  readonly prevented: boolean;
  preventDefault(): void;
}

function fakeEvent(url: string, isMainFrame = true): FakeEvent {
  let prevented = false;
  return {
    url,
    isMainFrame,
    get prevented() {
      return prevented;
    },
    preventDefault() {
      prevented = true;
    },
  };
}

/**
 * A hand-made stand-in for Electron's WebContents (Electron cannot run in these tests): it records
 * what hardenWebContents registers so the test can play the events Electron would emit.
 */
function fakeWebContents() {
  const listeners = new Map<string, Listener[]>();
  let windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  let requestHandler:
    | ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void)
    | undefined;
  let checkHandler: (() => boolean) | undefined;

  const contents: HardenableWebContents = {
    setWindowOpenHandler(handler) {
      windowOpenHandler = handler;
    },
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    session: {
      setPermissionRequestHandler(handler) {
        requestHandler = handler;
      },
      setPermissionCheckHandler(handler) {
        checkHandler = handler;
      },
    },
  };

  return {
    contents,
    emit(event: string, payload: FakeEvent): FakeEvent {
      for (const listener of listeners.get(event) ?? []) listener(payload);
      return payload;
    },
    listenerCount: (event: string) => listeners.get(event)?.length ?? 0,
    windowOpen(url: string) {
      if (windowOpenHandler === undefined) throw new Error('no window open handler');
      return windowOpenHandler({ url });
    },
    requestPermission(permission: string): boolean | undefined {
      if (requestHandler === undefined) throw new Error('no permission request handler');
      let answer: boolean | undefined;
      requestHandler(contents, permission, (granted) => {
        answer = granted;
      });
      return answer;
    },
    checkPermission(): boolean {
      if (checkHandler === undefined) throw new Error('no permission check handler');
      return checkHandler();
    },
  };
}

describe('hardenWebContents', () => {
  const appPage = 'file:///opt/Pounce/resources/app.asar/out/renderer/index.html';
  let open: ReturnType<typeof vi.fn<(url: string) => void>>;
  let fake: ReturnType<typeof fakeWebContents>;

  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    open = vi.fn<(url: string) => void>();
    fake = fakeWebContents();
    hardenWebContents(fake.contents, {
      isAppUrl: (url) => url.split('#')[0] === appPage,
      openExternal: open,
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('denies window.open and hands an allowed URL to the OS instead', () => {
    expect(fake.windowOpen('https://example.com/')).toEqual({ action: 'deny' });
    expect(open).toHaveBeenCalledWith('https://example.com/');
  });

  it('denies window.open of a hostile URL without opening anything', () => {
    expect(fake.windowOpen('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(fake.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(fake.windowOpen(appPage)).toEqual({ action: 'deny' });
    expect(open).not.toHaveBeenCalled();
  });

  it('prevents navigation to another origin', () => {
    const event = fake.emit('will-frame-navigate', fakeEvent('https://evil.example/login'));
    expect(event.prevented).toBe(true);
    // A main-frame link click is the user wanting the page: it opens in the browser instead.
    expect(open).toHaveBeenCalledWith('https://evil.example/login');
  });

  it('prevents navigation to other local files and hostile schemes, opening nothing', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'http://example.com/']) {
      expect(fake.emit('will-frame-navigate', fakeEvent(url)).prevented).toBe(true);
    }
    expect(open).not.toHaveBeenCalled();
  });

  it('prevents a subframe from navigating away, without opening anything', () => {
    const event = fake.emit('will-frame-navigate', fakeEvent('https://example.com/', false));
    expect(event.prevented).toBe(true);
    expect(open).not.toHaveBeenCalled();
  });

  it('lets the app navigate within its own page', () => {
    const event = fake.emit('will-frame-navigate', fakeEvent(`${appPage}#/leads/42`));
    expect(event.prevented).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('prevents a redirect out of the app', () => {
    expect(fake.emit('will-redirect', fakeEvent('https://evil.example/')).prevented).toBe(true);
    expect(fake.emit('will-redirect', fakeEvent(appPage)).prevented).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('refuses to attach a <webview>', () => {
    expect(fake.emit('will-attach-webview', fakeEvent('about:blank')).prevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid']) {
      expect(fake.requestPermission(permission)).toBe(false);
    }
    expect(fake.checkPermission()).toBe(false);
  });

  it('registers each navigation guard once', () => {
    expect(fake.listenerCount('will-frame-navigate')).toBe(1);
    expect(fake.listenerCount('will-redirect')).toBe(1);
    expect(fake.listenerCount('will-attach-webview')).toBe(1);
  });
});
