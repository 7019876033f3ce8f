import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppTray, trayIconDir, trayView } from '../../../src/main/shell/tray';

/** Stand-ins for the Electron classes the tray uses (Electron cannot run here). */
const fake = vi.hoisted(() => {
  type MenuItem = { label?: string; type?: string; enabled?: boolean; click?: () => void };
  class FakeTray {
    static created: FakeTray[] = [];
    readonly setToolTip = vi.fn<(text: string) => void>();
    readonly setTitle = vi.fn<(text: string) => void>();
    readonly setContextMenu = vi.fn<(menu: { items: MenuItem[] }) => void>();
    readonly destroy = vi.fn();
    readonly handlers = new Map<string, () => void>();
    constructor(readonly image: { path: string }) {
      FakeTray.created.push(this);
    }
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    }
  }
  return {
    FakeTray,
    app: { setBadgeCount: vi.fn<(count: number) => boolean>(() => true) },
    Menu: { buildFromTemplate: (items: MenuItem[]) => ({ items }) },
    nativeImage: { createFromPath: (path: string) => ({ path }) },
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  Menu: fake.Menu,
  nativeImage: fake.nativeImage,
  Tray: fake.FakeTray,
}));

describe('trayView', () => {
  it('says nothing is known when signed out', () => {
    expect(trayView(null)).toEqual({
      tooltip: 'Pounce',
      title: '',
      badgeCount: 0,
      overlay: null,
      menu: { status: 'Not signed in', show: 'Show Pounce', quit: 'Quit Pounce' },
    });
  });

  it('counts untouched leads for the badge, the menu bar and the tooltip', () => {
    expect(trayView({ total: 12, untouched: 3 })).toEqual({
      tooltip: 'Pounce: 3 untouched leads (12 in the queue)',
      title: '3',
      badgeCount: 3,
      overlay: '3 untouched leads',
      menu: {
        status: '3 untouched leads · 12 in the queue',
        show: 'Show Pounce',
        quit: 'Quit Pounce',
      },
    });
  });

  it('uses the singular for one lead', () => {
    const view = trayView({ total: 1, untouched: 1 });
    expect(view.tooltip).toBe('Pounce: 1 untouched lead (1 in the queue)');
    expect(view.overlay).toBe('1 untouched lead');
  });

  it('clears the badge when everything was touched', () => {
    const view = trayView({ total: 7, untouched: 0 });
    expect(view).toMatchObject({ badgeCount: 0, title: '', overlay: null });
    expect(view.tooltip).toBe('Pounce: no untouched leads (7 in the queue)');
  });

  it('never shows a negative or fractional count, or more untouched than total', () => {
    expect(trayView({ total: 2, untouched: -4 }).badgeCount).toBe(0);
    expect(trayView({ total: 2, untouched: 2.7 }).badgeCount).toBe(2);
    expect(trayView({ total: 1, untouched: 5 }).tooltip).toBe(
      'Pounce: 5 untouched leads (5 in the queue)',
    );
  });
});

describe('trayIconDir', () => {
  it('uses resources/tray when packaged and build/tray in development', () => {
    expect(
      trayIconDir({ isPackaged: true, resourcesPath: '/opt/Pounce/resources', mainDir: '/x' }),
    ).toBe(join('/opt/Pounce/resources', 'tray'));
    expect(trayIconDir({ isPackaged: false, resourcesPath: '/r', mainDir: '/repo/out/main' })).toBe(
      join('/repo', 'build', 'tray'),
    );
  });
});

describe('AppTray', () => {
  function fakeWindow(focused = false) {
    return {
      isDestroyed: () => false,
      isFocused: () => focused,
      setOverlayIcon: vi.fn<(image: unknown, description: string) => void>(),
      flashFrame: vi.fn<(flag: boolean) => void>(),
    };
  }

  function start(platform: NodeJS.Platform, window = fakeWindow()) {
    const onShow = vi.fn();
    const onQuit = vi.fn();
    const tray = new AppTray({
      iconDir: '/icons',
      platform,
      onShow,
      onQuit,
      getWindow: () => window,
    });
    const native = fake.FakeTray.created.at(-1);
    if (!native) throw new Error('no tray');
    return { tray, native, onShow, onQuit, window };
  }

  beforeEach(() => {
    fake.FakeTray.created = [];
    fake.app.setBadgeCount.mockClear();
  });

  it('shows the count in the tooltip and the dock badge on macOS, with a template icon', () => {
    const { tray, native } = start('darwin');
    expect(native.image.path).toBe(join('/icons', 'trayTemplate.png'));
    tray.update({ total: 4, untouched: 2 });
    expect(native.setToolTip).toHaveBeenLastCalledWith(
      'Pounce: 2 untouched leads (4 in the queue)',
    );
    expect(native.setTitle).toHaveBeenLastCalledWith('2');
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(2);
  });

  it('sets the launcher badge on Linux, without a menu-bar title', () => {
    const { tray, native } = start('linux');
    expect(native.image.path).toBe(join('/icons', 'tray-icon.png'));
    tray.update({ total: 4, untouched: 1 });
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(1);
    expect(native.setTitle).not.toHaveBeenCalled();
  });

  it('has a menu with the count, Show and Quit', () => {
    const { tray, native, onShow, onQuit } = start('linux');
    tray.update({ total: 9, untouched: 3 });
    const menu = native.setContextMenu.mock.lastCall?.[0];
    expect(menu?.items.map((i) => i.label ?? i.type)).toEqual([
      '3 untouched leads · 9 in the queue',
      'separator',
      'Show Pounce',
      'Quit Pounce',
    ]);
    expect(menu?.items[0]?.enabled).toBe(false);
    menu?.items[2]?.click?.();
    menu?.items[3]?.click?.();
    expect(onShow).toHaveBeenCalledTimes(1);
    expect(onQuit).toHaveBeenCalledTimes(1);
    native.handlers.get('click')?.();
    expect(onShow).toHaveBeenCalledTimes(2);
  });

  it('does not rebuild anything when the counts did not change', () => {
    const { tray, native } = start('linux');
    tray.update({ total: 9, untouched: 3 });
    const calls = native.setContextMenu.mock.calls.length;
    tray.update({ total: 9, untouched: 3 });
    expect(native.setContextMenu.mock.calls.length).toBe(calls);
  });

  it('clears the badge when signed out', () => {
    const { tray } = start('darwin');
    tray.update({ total: 9, untouched: 3 });
    tray.update(null);
    expect(fake.app.setBadgeCount).toHaveBeenLastCalledWith(0);
  });

  it('on Windows puts an overlay on the taskbar button and flashes it for new leads', () => {
    const { tray, window } = start('win32');
    expect(fake.app.setBadgeCount).not.toHaveBeenCalled();
    tray.update({ total: 2, untouched: 1 });
    expect(window.setOverlayIcon).toHaveBeenLastCalledWith(
      { path: join('/icons', 'badge-overlay.png') },
      '1 untouched lead',
    );
    expect(window.flashFrame).toHaveBeenLastCalledWith(true);
    tray.update({ total: 2, untouched: 0 });
    expect(window.setOverlayIcon).toHaveBeenLastCalledWith(null, '');
    expect(window.flashFrame).toHaveBeenLastCalledWith(false);
  });

  it('on Windows does not flash a window the rep is looking at', () => {
    const { tray, window } = start('win32', fakeWindow(true));
    tray.update({ total: 2, untouched: 2 });
    expect(window.flashFrame).not.toHaveBeenCalledWith(true);
  });
});
