import { clockText, localToUtc, utcOffsetMinutes } from './zone-time';

/*
 * Calling windows: the hours of the day (lead-local) a lead may be called, and whether a zone is
 * inside them at an instant. Nothing here infers a zone (calling-hours.ts does, from phone
 * numbers), so the renderer can use it without the phone number metadata.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface CallingHours {
  /** "HH:MM", lead-local, inclusive. */
  readonly start: string;
  /** "HH:MM" (or "24:00"), lead-local, exclusive; after `start`. */
  readonly end: string;
  /** Whether Saturday and Sunday are callable. */
  readonly weekends: boolean;
}

/** 08:00-21:00 lead-local, every day: the common legal window for outbound sales calls (e.g. the US TCPA). */
export const DEFAULT_CALLING_HOURS: CallingHours = { start: '08:00', end: '21:00', weekends: true };

/** CallingHours parsed to minutes after local midnight. */
export interface CallingWindow {
  readonly startMinute: number;
  readonly endMinute: number;
  readonly weekends: boolean;
  /** `start` as "HH:MM". */
  readonly startText: string;
}

/** Parses and checks calling hours; throws a RangeError naming the bad setting. */
export function callingWindow(hours: Partial<CallingHours> = {}): CallingWindow {
  const start = hours.start ?? DEFAULT_CALLING_HOURS.start;
  const end = hours.end ?? DEFAULT_CALLING_HOURS.end;
  const startMinute = parseClock(start, 'start');
  const endMinute = parseClock(end, 'end');
  if (endMinute <= startMinute)
    throw new RangeError(`calling hours: end (${end}) must be after start (${start})`);
  return {
    startMinute,
    endMinute,
    weekends: hours.weekends ?? DEFAULT_CALLING_HOURS.weekends,
    startText: clockText(startMinute),
  };
}

function parseClock(text: string, name: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!(minutes <= 24 * 60))
    throw new RangeError(`calling hours: ${name} must be "HH:MM", got "${text}"`);
  return minutes;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** A zone's calling state at one instant. */
export interface CallableState {
  readonly zone: string;
  readonly callableNow: boolean;
  /** Lead-local wall time at `now`, "HH:MM". */
  readonly localTime: string;
  /** Lead-local weekday at `now`, "Mon". */
  readonly localWeekday: string;
  /** When the window next opens (epoch ms); `now` when callable now. */
  readonly nextCallableAt: number;
  /** `nextCallableAt` as ISO 8601 UTC. */
  readonly nextCallableIso: string;
  /** Lead-local wall time of `nextCallableAt`, "HH:MM". */
  readonly nextCallableLocal: string;
  /** Lead-local weekday of `nextCallableAt`. */
  readonly nextCallableWeekday: string;
  /** When `callableNow` next flips (window closes or opens), epoch ms. */
  readonly changesAt: number;
}

/**
 * Whether leads in `zone` are inside their calling window at `now` (epoch ms), and when it next
 * opens. Null for an unknown zone.
 */
export function callableState(
  zone: string,
  now: number,
  window: CallingWindow = callingWindow(),
): CallableState | null {
  const offset = utcOffsetMinutes(zone, now);
  if (offset === null) return null;
  const local = now + offset * MINUTE;
  const day = Math.floor(local / DAY);
  const minuteOfDay = (local - day * DAY) / MINUTE;
  const open = (d: number) => window.weekends || !isWeekend(d);
  const localTime = clockText(minuteOfDay);
  const localWeekday = weekdayName(day);

  if (open(day) && minuteOfDay >= window.startMinute && minuteOfDay < window.endMinute) {
    const closes = localToUtc(zone, day * DAY + window.endMinute * MINUTE) ?? now;
    return {
      zone,
      callableNow: true,
      localTime,
      localWeekday,
      nextCallableAt: now,
      nextCallableIso: new Date(now).toISOString(),
      nextCallableLocal: localTime,
      nextCallableWeekday: localWeekday,
      changesAt: Math.max(closes, now + 1),
    };
  }
  let openDay = minuteOfDay < window.startMinute ? day : day + 1;
  while (!open(openDay)) openDay += 1;
  const opens = localToUtc(zone, openDay * DAY + window.startMinute * MINUTE) ?? now;
  return {
    zone,
    callableNow: false,
    localTime,
    localWeekday,
    nextCallableAt: opens,
    nextCallableIso: new Date(opens).toISOString(),
    nextCallableLocal: window.startText,
    nextCallableWeekday: weekdayName(openDay),
    changesAt: Math.max(opens, now + 1),
  };
}

/** 1970-01-01 was a Thursday (day 4 counting from Sunday). */
function weekdayIndex(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isWeekend(day: number): boolean {
  const w = weekdayIndex(day);
  return w === 0 || w === 6;
}

function weekdayName(day: number): string {
  return WEEKDAYS[weekdayIndex(day)] ?? 'Sun';
}
