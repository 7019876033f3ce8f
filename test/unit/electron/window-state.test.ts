import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DisplayLayout,
  type Rect,
  restoreWindowState,
  type TrackableWindow,
  trackWindowState,
  type WindowState,
  WindowStateFile,
} from '../../../src/main/shell/window-state';

const DEFAULT = { width: 1280, height: 800 };
const MIN = { width: 800, height: 560 };

/** A 1920x1080 laptop screen with a 40 px task bar at the bottom. */
const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
/** A 2560x1440 monitor to the right of it. */
const monitorRight: Rect = { x: 1920, y: 0, width: 2560, height: 1440 };
/** A monitor above and to the left (negative coordinates, as macOS and Windows allow). */
const monitorAboveLeft: Rect = { x: -1280, y: -1024, width: 1280, height: 1024 };

const single: DisplayLayout = { workAreas: [laptop], primary: laptop };
const docked: DisplayLayout = { workAreas: [laptop, monitorRight], primary: laptop };

function saved(extra: Partial<WindowState> = {}): WindowState {
  return { x: 100, y: 80, width: 1200, height: 760, maximized: false, ...extra };
}

describe('restoreWindowState', () => {
  it('opens at the default size, centred by the OS, the first time', () => {
    expect(restoreWindowState(null, single, DEFAULT, MIN)).toEqual({
      width: 1280,
      height: 800,
      maximized: false,
    });
  });

  it('shrinks the default size onto a small screen', () => {
    const small: Rect = { x: 0, y: 0, width: 1024, height: 700 };
    expect(restoreWindowState(null, { workAreas: [small], primary: small }, DEFAULT, MIN)).toEqual({
      width: 1024,
      height: 700,
      maximized: false,
    });
  });

  it('keeps bounds that fit where they were', () => {
    expect(restoreWindowState(saved(), single, DEFAULT, MIN)).toEqual(saved());
  });

  it('keeps a window on the second monitor while it is attached', () => {
    const onRight = saved({ x: 2200, y: 200, width: 1600, height: 1000 });
    expect(restoreWindowState(onRight, docked, DEFAULT, MIN)).toEqual(onRight);
  });

  it('keeps a window on a monitor at negative coordinates', () => {
    const above = saved({ x: -1200, y: -1000, width: 1000, height: 700 });
    const layout = { workAreas: [laptop, monitorAboveLeft], primary: laptop };
    expect(restoreWindowState(above, layout, DEFAULT, MIN)).toEqual(above);
  });

  it('centres a window whose monitor was unplugged on the primary display, keeping its size', () => {
    const onRight = saved({ x: 2200, y: 200, width: 1600, height: 1000, maximized: true });
    expect(restoreWindowState(onRight, single, DEFAULT, MIN)).toEqual({
      x: 160,
      y: 20,
      width: 1600,
      height: 1000,
      maximized: true,
    });
  });

  it('shrinks a window from a big unplugged monitor to fit the laptop', () => {
    const big = saved({ x: 2000, y: 0, width: 2500, height: 1400 });
    expect(restoreWindowState(big, single, DEFAULT, MIN)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1040,
      maximized: false,
    });
  });

  it('pulls a window hanging off an edge back onto the display', () => {
    const hanging = saved({ x: 1500, y: 600, width: 1200, height: 760 });
    expect(restoreWindowState(hanging, single, DEFAULT, MIN)).toEqual({
      x: 720,
      y: 280,
      width: 1200,
      height: 760,
      maximized: false,
    });
  });

  it('takes the display the window overlapped most when it spans two', () => {
    const spanning = saved({ x: 1500, y: 100, width: 1400, height: 900 });
    // 420 px on the laptop, 980 px on the monitor: it goes to the monitor.
    expect(restoreWindowState(spanning, docked, DEFAULT, MIN)).toMatchObject({
      x: 1920,
      y: 100,
    });
  });

  it('treats a sliver that cannot be grabbed as off-screen', () => {
    const sliver = saved({ x: 1900, y: 100 });
    const layout = { workAreas: [laptop], primary: laptop };
    // 20 px visible: below the grab margin, so it is centred instead.
    expect(restoreWindowState(sliver, layout, DEFAULT, MIN)).toMatchObject({ x: 360, y: 140 });
  });

  it('grows a window below the minimum size back to it', () => {
    expect(
      restoreWindowState(saved({ width: 300, height: 200 }), single, DEFAULT, MIN),
    ).toMatchObject({ width: 800, height: 560 });
  });
});

describe('WindowStateFile', () => {
  let dir: string;
  let log: ReturnType<typeof vi.fn<(line: string) => void>>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pounce-window-'));
    log = vi.fn<(line: string) => void>();
  });

  it('round-trips the state, in a file only the user can read', () => {
    const file = new WindowStateFile(join(dir, 'window-state.json'), log);
    file.save(saved({ maximized: true }));
    expect(file.load()).toEqual(saved({ maximized: true }));
    expect(statSync(join(dir, 'window-state.json')).mode & 0o777).toBe(0o600);
  });

  it('reads a missing file as no state, silently', () => {
    expect(new WindowStateFile(join(dir, 'none.json'), log).load()).toBeNull();
    expect(log).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', '{"x": 1,'],
    ['an array', '[1, 2]'],
    ['a string width', JSON.stringify({ ...saved(), width: '1200' })],
    ['a zero height', JSON.stringify({ ...saved(), height: 0 })],
    ['an absurd position', JSON.stringify({ ...saved(), x: 1e12 })],
    ['an unknown key', JSON.stringify({ ...saved(), fullscreen: true })],
  ])('reads %s as no state', (_name, text) => {
    const path = join(dir, 'window-state.json');
    writeFileSync(path, text);
    expect(new WindowStateFile(path, log).load()).toBeNull();
  });

  it('names the bad key in its warning', () => {
    const path = join(dir, 'window-state.json');
    writeFileSync(path, JSON.stringify({ ...saved(), width: -5 }));
    new WindowStateFile(path, log).load();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('width:'));
  });

  it('does not throw when the folder cannot be written', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    new WindowStateFile(join(blocker, 'window-state.json'), log).save(saved());
    expect(log).toHaveBeenCalledWith(expect.stringContaining('could not save'));
  });
});

describe('trackWindowState', () => {
  class FakeWindow implements TrackableWindow {
    readonly handlers = new Map<string, (() => void)[]>();
    bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
    maximized = false;
    destroyed = false;
    on(event: string, listener: () => void) {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string) {
      for (const h of this.handlers.get(event) ?? []) h();
    }
    getNormalBounds() {
      return this.bounds;
    }
    isMaximized() {
      return this.maximized;
    }
    isDestroyed() {
      return this.destroyed;
    }
  }

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves once after a burst of moves and resizes has settled', () => {
    const window = new FakeWindow();
    const save = vi.fn<(state: WindowState) => void>();
    trackWindowState(window, save, 500);
    for (let i = 0; i < 20; i += 1) {
      window.bounds = { ...window.bounds, x: 10 + i };
      window.emit(i % 2 === 0 ? 'move' : 'resize');
      vi.advanceTimersByTime(100);
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ x: 29, y: 20, width: 1000, height: 700, maximized: false });
  });

  it('saves at once on close, with the normal bounds of a maximised window', () => {
    const window = new FakeWindow();
    const save = vi.fn<(state: WindowState) => void>();
    trackWindowState(window, save);
    window.maximized = true;
    window.emit('maximize');
    window.emit('close');
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('saves nothing for a destroyed window, and rounds fractional (HiDPI) bounds', () => {
    const window = new FakeWindow();
    const save = vi.fn<(state: WindowState) => void>();
    trackWindowState(window, save);
    window.bounds = { x: 10.4, y: 20.6, width: 999.5, height: 700.2 };
    window.emit('close');
    expect(save).toHaveBeenLastCalledWith({
      x: 10,
      y: 21,
      width: 1000,
      height: 700,
      maximized: false,
    });
    window.destroyed = true;
    window.emit('close');
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('writes the file the next run reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-window-'));
    const file = new WindowStateFile(join(dir, 'window-state.json'));
    const window = new FakeWindow();
    trackWindowState(window, (s) => file.save(s));
    window.emit('close');
    expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });
});
