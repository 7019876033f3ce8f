/**
 * The window's size, position and maximised state, kept in userData/window-state.json between
 * runs. Restoring clamps the saved bounds onto a display that is there now: a laptop undocked
 * from its second screen must not open the window off-screen.
 *
 *   const file = new WindowStateFile(join(app.getPath('userData'), 'window-state.json'));
 *   const state = restoreWindowState(file.load(), displayLayout(screen), DEFAULT_SIZE, MIN_SIZE);
 *   const window = createMainWindow({ ..., bounds: state });
 *   if (state.maximized) window.maximize();
 *   trackWindowState(window, (s) => file.save(s));
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { describeIssues, fieldIssues } from '../../shared/validation';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);

export const WindowStateSchema = z.strictObject({
  x: coordinate,
  y: coordinate,
  width: length,
  height: length,
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

/** What a new window is opened with: no position means "let the OS centre it". */
export interface RestoredWindowState {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export interface DisplayLayout {
  /** Work areas (without task bars and docks) of every display attached now. */
  readonly workAreas: readonly Rect[];
  readonly primary: Rect;
}

/**
 * How much of the window must lie on a display for the saved position to be kept there: enough
 * to grab and move it.
 */
const MIN_VISIBLE = 64;

/**
 * The saved bounds, placed on a display attached now. On the display the window overlapped most
 * (when it overlaps one by at least MIN_VISIBLE in both directions), moved and shrunk to fit its
 * work area; else centred on the primary display. No saved state: the default size, centred.
 */
export function restoreWindowState(
  saved: WindowState | null,
  layout: DisplayLayout,
  defaults: Size,
  min: Size,
): RestoredWindowState {
  if (saved === null) {
    const fitted = fit(defaults, min, layout.primary);
    return { ...fitted, maximized: false };
  }
  const best = mostOverlapped(saved, layout.workAreas);
  if (best === null) {
    const fitted = fit(saved, min, layout.primary);
    return { ...centre(fitted, layout.primary), maximized: saved.maximized };
  }
  const fitted = fit(saved, min, best);
  return {
    x: clamp(saved.x, best.x, best.x + best.width - fitted.width),
    y: clamp(saved.y, best.y, best.y + best.height - fitted.height),
    ...fitted,
    maximized: saved.maximized,
  };
}

function mostOverlapped(bounds: Rect, areas: readonly Rect[]): Rect | null {
  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of areas) {
    const w = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const h = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    if (w < MIN_VISIBLE || h < MIN_VISIBLE) continue;
    if (w * h > bestArea) {
      best = area;
      bestArea = w * h;
    }
  }
  return best;
}

/** The size, no smaller than `min` unless the display itself is smaller, and no larger than it. */
function fit(size: Size, min: Size, area: Rect): Size {
  return {
    width: Math.max(1, Math.min(Math.max(size.width, min.width), area.width)),
    height: Math.max(1, Math.min(Math.max(size.height, min.height), area.height)),
  };
}

function centre(size: Size, area: Rect): Rect {
  return {
    x: Math.round(area.x + (area.width - size.width) / 2),
    y: Math.round(area.y + (area.height - size.height) / 2),
    ...size,
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/** The JSON file; a missing, damaged or hand-edited one means "no saved state". */
export class WindowStateFile {
  constructor(
    private readonly file: string,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  load(): WindowState | null {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return null;
    }
    const parsed = WindowStateSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.log(
      `[window-state] ${this.file}: ${describeIssues(fieldIssues(parsed.error))}; using the default window size`,
    );
    return null;
  }

  /**
   * Synchronous on purpose: the last save runs in the window's 'close' handler, right before the
   * app may exit. The file is a few dozen bytes.
   */
  save(state: WindowState): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temp = `${this.file}.tmp`;
      writeFileSync(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      this.log(`[window-state] could not save ${this.file}: ${String(error)}`);
    }
  }
}

/** The part of a BrowserWindow tracked here; Electron's satisfies it. */
export interface TrackableWindow {
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
}

/**
 * Saves the state after the window was moved or resized (once it has been still for `debounceMs`)
 * and when it closes. The normal bounds are kept while maximised, so un-maximising next run
 * goes back to the size the rep chose.
 */
export function trackWindowState(
  window: TrackableWindow,
  save: (state: WindowState) => void,
  debounceMs = 500,
): void {
  let timer: NodeJS.Timeout | null = null;
  const capture = (): WindowState | null => {
    if (window.isDestroyed()) return null;
    const b = window.getNormalBounds();
    const parsed = WindowStateSchema.safeParse({
      x: Math.round(b.x),
      y: Math.round(b.y),
      width: Math.round(b.width),
      height: Math.round(b.height),
      maximized: window.isMaximized(),
    });
    return parsed.success ? parsed.data : null;
  };
  const saveNow = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const state = capture();
    if (state) save(state);
  };
  const saveSoon = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(saveNow, debounceMs);
  };
  for (const event of ['move', 'resize', 'maximize', 'unmaximize'] as const) {
    window.on(event, saveSoon);
  }
  window.on('close', saveNow);
}

/** Electron's `screen` as a DisplayLayout. */
export function displayLayout(screen: {
  getAllDisplays(): readonly { readonly workArea: Rect }[];
  getPrimaryDisplay(): { readonly workArea: Rect };
}): DisplayLayout {
  return {
    workAreas: screen.getAllDisplays().map((d) => d.workArea),
    primary: screen.getPrimaryDisplay().workArea,
  };
}
