/**
 * How every app window is locked down: the BrowserWindow options (a pure function) and the
 * listeners that keep a page from opening windows, navigating away or asking for permissions.
 *
 * The renderer shows lead data typed by strangers (web forms, CSV imports), so it is treated as
 * untrusted: it runs sandboxed, without Node, isolated from the preload, and can reach the rest
 * of the app only through the preload's narrow API.
 *
 *   const window = new BrowserWindow(mainWindowOptions({ preloadPath, appVersion, dark, bounds }));
 *   hardenWebContents(window.webContents, { isAppUrl, openExternal: shell.openExternal });
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { appVersionArguments } from '../../shared/preload-api';
import { openExternalSafely } from '../../shared/external-links';

export interface MainWindowOptions {
  /** Absolute path of the built preload script (out/preload/index.js). */
  readonly preloadPath: string;
  /** Passed to the preload on its command line; see src/shared/preload-api.ts. */
  readonly appVersion: string;
  /** Paint the window in the page's background colour before the page has loaded. */
  readonly dark: boolean;
  /** Restored size and position (window-state.ts); without x/y the OS centres the window. */
  readonly bounds?: { readonly x?: number; readonly y?: number; width: number; height: number };
}

/** The window's first size, and the smallest the queue and the detail pane still fit in. */
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 800 } as const;
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;

/** Matches --background in src/renderer/src/styles.css, so the first frame does not flash. */
const BACKGROUND = { light: '#f6f7f9', dark: '#16181d' } as const;

export function mainWindowOptions(options: MainWindowOptions): BrowserWindowConstructorOptions {
  return {
    title: 'Pounce',
    width: options.bounds?.width ?? DEFAULT_WINDOW_SIZE.width,
    height: options.bounds?.height ?? DEFAULT_WINDOW_SIZE.height,
    ...(options.bounds?.x !== undefined && { x: options.bounds.x }),
    ...(options.bounds?.y !== undefined && { y: options.bounds.y }),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown on 'ready-to-show', once the page has painted.
    show: false,
    backgroundColor: options.dark ? BACKGROUND.dark : BACKGROUND.light,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      // The three that make the renderer a web page and not a Node process. Each is already
      // Electron's default; they are spelled out so a change shows up in review and in tests.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A file dropped on the window would otherwise replace the app with that file.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      additionalArguments: appVersionArguments(options.appVersion),
    },
  };
}

/** The navigation events' payload, as far as this module reads it. */
interface NavigationEvent {
  readonly url: string;
  readonly isMainFrame: boolean;
  preventDefault(): void;
}

/**
 * The part of Electron's WebContents (and its Session) this module touches. Electron's own
 * WebContents satisfies it; tests pass a hand-made fake, since Electron cannot run there.
 */
export interface HardenableWebContents {
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  readonly session: {
    setPermissionRequestHandler(
      handler: (
        webContents: unknown,
        permission: string,
        callback: (permissionGranted: boolean) => void,
      ) => void,
    ): void;
    setPermissionCheckHandler(handler: () => boolean): void;
  };
}

export interface HardenOptions {
  /** The app's own pages; navigation anywhere else is stopped. See renderer-location.ts. */
  readonly isAppUrl: (url: string) => boolean;
  /** The OS side effect (`shell.openExternal`), reached only through openExternalSafely. */
  readonly openExternal: (url: string) => void | Promise<void>;
}

/**
 * Call for every WebContents as soon as it exists (app 'web-contents-created'), before it loads
 * anything.
 */
export function hardenWebContents(contents: HardenableWebContents, options: HardenOptions): void {
  // No page gets a second window. A link with target=_blank or window.open(url) instead goes to
  // the user's browser / mail client / dialer, if openExternalSafely allows the URL.
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url, options.openExternal);
    return { action: 'deny' };
  });

  // will-frame-navigate covers the main frame and subframes (will-navigate only the main frame).
  // A plain link to an https page is a user wanting to read it: send it to the browser. A page
  // that navigates a subframe elsewhere gets nothing.
  contents.on('will-frame-navigate', (event) => {
    if (options.isAppUrl(event.url)) return;
    event.preventDefault();
    if (event.isMainFrame) openExternalSafely(event.url, options.openExternal);
  });

  // A server-side redirect starting from an app URL must not land outside the app either.
  contents.on('will-redirect', (event) => {
    if (!options.isAppUrl(event.url)) event.preventDefault();
  });

  // webviewTag is off; this also stops one attached by some future option or bug.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });

  // Camera, microphone, geolocation, notifications (the app notifies from the main process),
  // clipboard, HID/USB/serial, ...: this page needs none of them yet. The check handler answers
  // the synchronous queries (navigator.permissions.query) the same way. A feature that needs one
  // (say 'clipboard-sanitized-write' for a "copy number" button) should allow exactly that one.
  contents.session.setPermissionRequestHandler((_webContents, _permission, callback) => {
    callback(false);
  });
  contents.session.setPermissionCheckHandler(() => false);
}
