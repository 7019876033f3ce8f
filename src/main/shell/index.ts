/**
 * The Electron main process: app lifecycle and wiring only. Window options and hardening are in
 * window.ts, the page's policy in csp.ts, link handling in src/shared/external-links.ts, the IPC
 * gate in ipc.ts, the OS pieces in secret-store.ts, notifications.ts, tray.ts, window-state.ts
 * and login-item.ts. Business logic (sync, the local database, the app service) does not run
 * here: it runs in the app-service host, a utility process (app-host-client.ts starts
 * src/main/host/host.ts), so a sync burst never blocks this thread, and it is tested without
 * Electron.
 */
import { join } from 'node:path';
import {
  app,
  ipcMain,
  Notification,
  safeStorage,
  screen,
  session,
  shell,
  type BrowserWindow,
} from 'electron';
import type { AppEvent } from '../../shared/app-api';
import type { HostChannel } from '../host/host-protocol';
import { AppHostClient } from './app-host-client';
import { forkHostChannel } from './fork-host';
import { NodeNotifier } from '../client/notifier';
import { contentSecurityPolicy, installContentSecurityPolicy } from './csp';
import { type DevOverrides, devOverridesFromEnv } from './dev-env';
import { installAppIpc, sendAppEvent } from './ipc';
import { StartAtLogin } from './login-item';
import { createMainWindow, focusWindow } from './main-window';
import { ElectronNotifier, selectNotifier } from './notifications';
import { isAppUrl, rendererLocation } from './renderer-location';
import { SafeSecretStore } from './secret-store';
import { builtInServerUrl } from './server-url';
import { AppTray, trayIconDir } from './tray';
import { utilityHostChannel } from './utility-host';
import { DEFAULT_WINDOW_SIZE, hardenWebContents, MIN_WINDOW_SIZE } from './window';
import {
  displayLayout,
  restoreWindowState,
  trackWindowState,
  WindowStateFile,
} from './window-state';

/** Same as `appId` in electron-builder.yml; Windows groups taskbar entries and toasts by it. */
const APP_USER_MODEL_ID = 'app.pounce.desktop';

function main(): void {
  // Before 'ready': every renderer, including any a later feature adds, starts sandboxed even if
  // its own options forget to ask for it.
  app.enableSandbox();

  let dev: DevOverrides;
  try {
    dev = devOverridesFromEnv(process.env, app.isPackaged);
  } catch (error) {
    console.error(`[main] ${error instanceof Error ? error.message : String(error)}`);
    app.exit(1);
    return;
  }
  // Before the lock: the lock is per userData folder, so a demo profile runs beside the real one.
  if (dev.userDataDir !== undefined) app.setPath('userData', dev.userDataDir);

  // One running app per user: a second launch (a desktop shortcut, the start menu, a script)
  // hands over to the first one, which comes to the front.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  const location = rendererLocation({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    indexHtmlPath: join(__dirname, '../renderer/index.html'),
  });
  const isOwnPage = (url: string): boolean => isAppUrl(location, url);
  const preloadPath = join(__dirname, '../preload/index.js');
  const userData = app.getPath('userData');

  // Every WebContents, not only the main window's, gets the same lock-down before it loads.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      isAppUrl: isOwnPage,
      openExternal: (url) => shell.openExternal(url),
    });
  });

  const windowState = new WindowStateFile(join(userData, 'window-state.json'));
  let mainWindow: BrowserWindow | null = null;
  const liveWindow = (): BrowserWindow | null =>
    mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null;
  const showMainWindow = (): void => {
    if (!app.isReady()) return;
    const existing = liveWindow();
    if (existing !== null) {
      focusWindow(existing);
      return;
    }
    const state = restoreWindowState(
      windowState.load(),
      displayLayout(screen),
      DEFAULT_WINDOW_SIZE,
      MIN_WINDOW_SIZE,
    );
    const window = createMainWindow({ location, preloadPath, appVersion: app.getVersion(), state });
    trackWindowState(window, (s) => windowState.save(s));
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };
  const toWindow = (event: AppEvent): void => {
    sendAppEvent(liveWindow()?.webContents ?? null, isOwnPage, event);
  };
  /** A toast was clicked: the window comes up on that lead (once its page has loaded). */
  const focusLead = (leadId: string | undefined): void => {
    showMainWindow();
    const contents = liveWindow()?.webContents;
    if (leadId === undefined || contents === undefined) return;
    const send = (): void => toWindow({ type: 'lead.focus', leadId });
    if (contents.isLoading()) contents.once('did-finish-load', send);
    else send();
  };

  app.on('second-instance', showMainWindow);
  // macOS: clicking the dock icon with no window open.
  app.on('activate', showMainWindow);
  // macOS apps stay in the dock after their last window closes; elsewhere closing it quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let host: AppHostClient | null = null;
  let tray: AppTray | null = null;
  // Quitting waits for the host to close the local database and sockets (bounded by its timeout).
  let quit: 'running' | 'closing' | 'closed' = 'running';
  app.on('will-quit', (event) => {
    if (quit === 'closed' || host === null) return;
    event.preventDefault();
    if (quit === 'closing') return;
    quit = 'closing';
    tray?.destroy();
    tray = null;
    void host.close().finally(() => {
      quit = 'closed';
      app.quit();
    });
  });

  app
    .whenReady()
    .then(() => {
      const policy = contentSecurityPolicy({
        serverUrl: builtInServerUrl(),
        dev: location.kind === 'dev-server',
        delivery: 'header',
      });
      installContentSecurityPolicy(session.defaultSession, policy, isOwnPage);

      const loginItem = new StartAtLogin(app, { execPath: process.execPath, env: process.env });
      tray = createTray({ onShow: showMainWindow, getWindow: liveWindow });
      const notifier = selectNotifier({
        electron: Notification.isSupported()
          ? new ElectronNotifier({ create: (o) => new Notification(o), onClick: focusLead })
          : null,
        fallback: new NodeNotifier(),
      });
      const client = new AppHostClient({
        spawn: () => spawnHost(join(__dirname, 'app-host.js'), dev.hostNode),
        dataDir: join(userData, 'app'),
        ...(dev.autoSignIn && { autoSignIn: dev.autoSignIn }),
        secrets: new SafeSecretStore(join(userData, 'session.bin'), safeStorage),
        notifier,
        openExternal: (url) => shell.openExternal(url),
        onReady: ({ session: signedIn, settings }) => {
          loginItem.apply(settings.startAtLogin);
          if (signedIn === null) tray?.update(null);
        },
        onEvent: (event) => {
          // The shell's own uses of the app's events; then the page gets every one.
          if (event.type === 'queue.counts') tray?.update(event.counts);
          else if (event.type === 'settings.changed') loginItem.apply(event.settings.startAtLogin);
          else if (event.type === 'session.changed' && event.session === null) tray?.update(null);
          toWindow(event);
        },
      });
      host = client;
      installAppIpc({ ipcMain, isAppUrl: isOwnPage, forward: (request) => client.call(request) });
      client.start();
      showMainWindow();
    })
    .catch((error: unknown) => {
      console.error('[main] start-up failed', error);
      app.exit(1);
    });
}

/**
 * The host as a utility process; in development optionally on a plain Node (POUNCE_HOST_NODE),
 * for a better-sqlite3 built for Node's ABI rather than Electron's.
 */
function spawnHost(modulePath: string, hostNode: string | undefined): HostChannel {
  if (hostNode === undefined) return utilityHostChannel(modulePath);
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  return forkHostChannel(modulePath, { execPath: hostNode, env });
}

/** The tray is a convenience: a desktop without one (some Linux panels) still gets the app. */
function createTray(options: {
  onShow: () => void;
  getWindow: () => BrowserWindow | null;
}): AppTray | null {
  try {
    return new AppTray({
      iconDir: trayIconDir({
        isPackaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        mainDir: __dirname,
      }),
      onShow: options.onShow,
      onQuit: () => app.quit(),
      getWindow: options.getWindow,
    });
  } catch (error) {
    console.warn('[main] no tray icon', error);
    return null;
  }
}

main();
