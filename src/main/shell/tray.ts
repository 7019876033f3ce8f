/**
 * The tray icon and the taskbar/dock badge, both showing how many leads wait untouched (the
 * host's `queue.counts` event). What they say is a pure function (trayView, unit-tested); AppTray
 * only hands it to Electron.
 *
 *   const tray = new AppTray({ iconDir: trayIconDir(...), onShow, onQuit, getWindow });
 *   tray.update({ total: 12, untouched: 3 });
 */
import { join } from 'node:path';
import { app, Menu, nativeImage, type NativeImage, Tray } from 'electron';
import type { QueueCounts } from '../../shared/app-api';

export interface TrayView {
  readonly tooltip: string;
  /** Text beside the icon in the macOS menu bar ('' for none). */
  readonly title: string;
  /** Dock (macOS) and launcher (Linux/Unity) badge; 0 clears it. */
  readonly badgeCount: number;
  /** Windows taskbar overlay's accessible description; null: no overlay. */
  readonly overlay: string | null;
  readonly menu: {
    /** A disabled first line: the count, readable without hovering. */
    readonly status: string;
    readonly show: string;
    readonly quit: string;
  };
}

/** What the tray and the badge say for these counts (null: signed out, or not known yet). */
export function trayView(counts: QueueCounts | null): TrayView {
  const menu = { show: 'Show Pounce', quit: 'Quit Pounce' };
  if (counts === null) {
    return {
      tooltip: 'Pounce',
      title: '',
      badgeCount: 0,
      overlay: null,
      menu: { ...menu, status: 'Not signed in' },
    };
  }
  const untouched = Math.max(0, Math.floor(counts.untouched));
  const total = Math.max(untouched, Math.floor(counts.total));
  const waiting =
    untouched === 0
      ? 'No untouched leads'
      : `${untouched} untouched lead${untouched === 1 ? '' : 's'}`;
  return {
    tooltip: `Pounce: ${waiting.charAt(0).toLowerCase()}${waiting.slice(1)} (${total} in the queue)`,
    title: untouched > 0 ? String(untouched) : '',
    badgeCount: untouched,
    overlay: untouched > 0 ? waiting : null,
    menu: { ...menu, status: `${waiting} · ${total} in the queue` },
  };
}

/**
 * Where the tray images are: build/tray in development (out/main is two levels below the repo),
 * `resources/tray` in a packaged app (electron-builder.yml `extraResources`).
 */
export function trayIconDir(options: {
  readonly isPackaged: boolean;
  readonly resourcesPath: string;
  readonly mainDir: string;
}): string {
  return options.isPackaged
    ? join(options.resourcesPath, 'tray')
    : join(options.mainDir, '..', '..', 'build', 'tray');
}

/** The part of the BrowserWindow used for the Windows taskbar; Electron's satisfies it. */
export interface TaskbarWindow {
  isDestroyed(): boolean;
  isFocused(): boolean;
  setOverlayIcon(overlay: NativeImage | null, description: string): void;
  flashFrame(flag: boolean): void;
}

export interface AppTrayOptions {
  readonly iconDir: string;
  readonly platform?: NodeJS.Platform;
  readonly onShow: () => void;
  readonly onQuit: () => void;
  /** The window whose taskbar button gets the Windows overlay. */
  readonly getWindow: () => TaskbarWindow | null;
}

export class AppTray {
  private readonly tray: Tray;
  private readonly platform: NodeJS.Platform;
  private shown: TrayView | null = null;
  private untouched = 0;

  constructor(private readonly options: AppTrayOptions) {
    this.platform = options.platform ?? process.platform;
    // macOS menu bar icons are monochrome "template" images the OS tints for light and dark;
    // nativeImage picks the @2x file on its own.
    const icon = this.platform === 'darwin' ? 'trayTemplate.png' : 'tray-icon.png';
    this.tray = new Tray(nativeImage.createFromPath(join(options.iconDir, icon)));
    this.tray.on('click', () => options.onShow());
    this.update(null);
  }

  update(counts: QueueCounts | null): void {
    const view = trayView(counts);
    const previous = this.untouched;
    this.untouched = view.badgeCount;
    if (this.shown !== null && JSON.stringify(this.shown) === JSON.stringify(view)) return;
    this.shown = view;

    this.tray.setToolTip(view.tooltip);
    if (this.platform === 'darwin') this.tray.setTitle(view.title);
    // Linux reads the menu when it is set, so a new label means a new menu.
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: view.menu.status, enabled: false },
        { type: 'separator' },
        { label: view.menu.show, click: () => this.options.onShow() },
        { label: view.menu.quit, click: () => this.options.onQuit() },
      ]),
    );

    if (this.platform === 'darwin' || this.platform === 'linux') {
      // Linux: only launchers that support it (Unity, some docks) show it; elsewhere a no-op.
      app.setBadgeCount(view.badgeCount);
    } else if (this.platform === 'win32') {
      this.windowsTaskbar(view, previous);
    }
  }

  destroy(): void {
    this.tray.destroy();
  }

  /** Windows has no badge count: a red dot on the taskbar button, and a flash for new leads. */
  private windowsTaskbar(view: TrayView, previousUntouched: number): void {
    const window = this.options.getWindow();
    if (window === null || window.isDestroyed()) return;
    const overlay =
      view.overlay === null
        ? null
        : nativeImage.createFromPath(join(this.options.iconDir, 'badge-overlay.png'));
    window.setOverlayIcon(overlay, view.overlay ?? '');
    // Electron flashes until the window comes to the front (FLASHW_TIMERNOFG).
    if (view.badgeCount > previousUntouched && !window.isFocused()) window.flashFrame(true);
    if (view.badgeCount === 0) window.flashFrame(false);
  }
}
