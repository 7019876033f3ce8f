/**
 * Creating, loading and re-focusing the app's one window. Options and hardening live in
 * window.ts; this file only does what needs a real BrowserWindow.
 *
 *   const window = createMainWindow({ location, preloadPath, appVersion: app.getVersion(), state });
 */
import { BrowserWindow, nativeTheme } from 'electron';
import type { RendererLocation } from './renderer-location';
import type { RestoredWindowState } from './window-state';
import { mainWindowOptions } from './window';

export interface CreateMainWindowOptions {
  readonly location: RendererLocation;
  readonly preloadPath: string;
  readonly appVersion: string;
  /** Where the window was last time (window-state.ts); absent: the default size, centred. */
  readonly state?: RestoredWindowState;
}

export function createMainWindow(options: CreateMainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(
    mainWindowOptions({
      preloadPath: options.preloadPath,
      appVersion: options.appVersion,
      dark: nativeTheme.shouldUseDarkColors,
      ...(options.state && { bounds: options.state }),
    }),
  );
  // Showing only once the page has painted avoids a blank window on a slow disk.
  window.once('ready-to-show', () => {
    // maximize() would show the window at once, so it waits for the first paint too.
    if (options.state?.maximized) window.maximize();
    window.show();
  });

  const { location } = options;
  const loading =
    location.kind === 'dev-server' ? window.loadURL(location.url) : window.loadFile(location.path);
  loading.catch((error: unknown) => {
    console.error(`[main-window] could not load ${location.url}`, error);
  });
  return window;
}

/** Brings the window to the front, e.g. when the user starts the app a second time. */
export function focusWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
