/**
 * The Electron main process: app lifecycle only. Window options and hardening are in window.ts,
 * the page's policy in csp.ts, link handling in external-links.ts. Business logic (sync, the
 * local database, notifications) does not belong here: it runs in plain Node, outside Electron,
 * so it can be tested without it.
 */
import { join } from 'node:path';
import { app, session, shell, type BrowserWindow } from 'electron';
import { contentSecurityPolicy, installContentSecurityPolicy } from './csp';
import { createMainWindow, focusWindow } from './main-window';
import { isAppUrl, rendererLocation } from './renderer-location';
import { builtInServerUrl } from './server-url';
import { hardenWebContents } from './window';

/** Same as `appId` in electron-builder.yml; Windows groups taskbar entries and toasts by it. */
const APP_USER_MODEL_ID = 'app.pounce.desktop';

function main(): void {
  // Before 'ready': every renderer, including any a later feature adds, starts sandboxed even if
  // its own options forget to ask for it.
  app.enableSandbox();

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

  // Every WebContents, not only the main window's, gets the same lock-down before it loads.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      isAppUrl: isOwnPage,
      openExternal: (url) => shell.openExternal(url),
    });
  });

  let mainWindow: BrowserWindow | null = null;
  const showMainWindow = (): void => {
    if (!app.isReady()) return;
    if (mainWindow !== null && !mainWindow.isDestroyed()) {
      focusWindow(mainWindow);
      return;
    }
    mainWindow = createMainWindow({ location, preloadPath, appVersion: app.getVersion() });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  };

  app.on('second-instance', showMainWindow);
  // macOS: clicking the dock icon with no window open.
  app.on('activate', showMainWindow);
  // macOS apps stay in the dock after their last window closes; elsewhere closing it quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
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
      showMainWindow();
    })
    .catch((error: unknown) => {
      console.error('[main] start-up failed', error);
      app.exit(1);
    });
}

main();
