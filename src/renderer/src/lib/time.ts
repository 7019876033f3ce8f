import { clockText, utcOffsetMinutes } from '../../../shared/zone-time';

/*
 * How times read on screen. Pure functions of `now` (epoch ms), so the ticker can call them every
 * second and a test can call them with any clock.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A running timer: "0:42", "12:05", "1:02:09", "3d 4h". */
export function elapsedText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / SECOND));
  if (total >= 2 * 86_400) {
    return `${Math.floor(total / 86_400)}d ${Math.floor((total % 86_400) / 3600)}h`;
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = s < 10 ? `0${s}` : `${s}`;
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${m < 10 ? '0' : ''}${m}:${ss}`;
}

export type SlaLevel = 'ok' | 'soon' | 'urgent' | 'breached' | 'none';

/**
 * The SLA countdown of an untouched lead: time left, and a level that sets its colour. More than
 * half the target left is `ok`, under half `soon`, under a fifth `urgent`, past it `breached`
 * (then the text counts up: "+3:10").
 */
export function slaState(
  deadline: number | null,
  receivedAt: number,
  now: number,
): { text: string; level: SlaLevel } {
  if (deadline === null) return { text: '', level: 'none' };
  const left = deadline - now;
  if (left <= 0) return { text: `+${elapsedText(-left)}`, level: 'breached' };
  const target = Math.max(1, deadline - receivedAt);
  const share = left / target;
  const level: SlaLevel = share > 0.5 ? 'ok' : share > 0.2 ? 'soon' : 'urgent';
  // Rounded up, so "0:00" never shows while there is still time.
  return { text: elapsedText(Math.ceil(left / SECOND) * SECOND), level };
}

/** "14:05" in `zone` at `now`; null for an unknown zone. */
export function zoneClock(zone: string, now: number): string | null {
  const offset = utcOffsetMinutes(zone, now);
  if (offset === null) return null;
  const local = now + offset * MINUTE;
  return clockText((((local % DAY) + DAY) % DAY) / MINUTE);
}

/**
 * A queue row's "their time" at `now`: the app's own reading (`localTime`, "HH:MM" at `at`)
 * while it is still that minute, else read from the zone. The first paint of a screen of rows
 * then needs no Intl formatter (making one per zone costs ~1 ms; a screen has a dozen zones).
 */
export function rowClock(zone: string, localTime: string | null, at: number, now: number): string {
  if (localTime !== null && Math.floor(now / MINUTE) === Math.floor(at / MINUTE)) {
    return localTime;
  }
  return zoneClock(zone, now) ?? '';
}

const warmZones = new Set<string>();
/** window.requestIdleCallback (this module is also tested in plain Node, without the DOM). */
type IdleScheduler = (callback: () => void, options: { timeout: number }) => number;

/**
 * Makes `zone`'s formatter when the page is idle, so the tick that first needs it (the next
 * minute, see rowClock) does not make a dozen at once.
 */
export function warmZoneSoon(zone: string): void {
  if (warmZones.has(zone)) return;
  warmZones.add(zone);
  const warm = () => {
    utcOffsetMinutes(zone, Date.now());
  };
  // Called on the global object: a detached window method throws "Illegal invocation".
  const scope = globalThis as { requestIdleCallback?: IdleScheduler };
  if (scope.requestIdleCallback) scope.requestIdleCallback(warm, { timeout: 5000 });
  else setTimeout(warm, 0);
}

/** "3 min ago", "2 h ago", "yesterday" for the status bar and the timeline. */
export function agoText(ms: number): string {
  if (ms < 10 * SECOND) return 'just now';
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} d ago`;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tue 14:05" (weekday and time) in `zone`, or in the rep's zone when `zone` is null. */
export function weekdayTime(at: number, zone: string | null): string {
  const key = zone ?? '';
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(zone !== null && { timeZone: zone }),
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(at);
}

/** Made once: toLocaleString with options builds a new formatter on every call. */
let shortFormat: Intl.DateTimeFormat | null = null;

/** "12 Nov, 14:05" in the rep's own zone, for the timeline. */
export function shortDateTime(at: number): string {
  shortFormat ??= new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return shortFormat.format(at);
}
