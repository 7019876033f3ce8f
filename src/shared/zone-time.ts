/*
 * Wall time in IANA zones: UTC offsets and their inverse, cached, with nothing but Intl. Split
 * from calling-hours.ts so the renderer can read a lead's local time without bundling the phone
 * number metadata that calling-hours needs to infer zones.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

interface ZoneEntry {
  /** Null when the runtime does not know the zone. */
  readonly format: Intl.DateTimeFormat | null;
  /** Offset in minutes at 00:00 UTC of each sampled UTC day (key: days since the epoch). */
  readonly days: Map<number, number>;
  /** Offset in minutes per 15-minute UTC slot, only for days holding a transition. */
  readonly slots: Map<number, number>;
  /**
   * Days known to hold one offset all day, by day & 7 (a queue's dates cluster within a few
   * days, so most look-ups end here without touching the maps).
   */
  readonly steadyDays: Int32Array;
  readonly steadyOffsets: Int32Array;
}

const zones = new Map<string, ZoneEntry>();
const MAX_SAMPLES = 2_000;

function zoneEntry(zone: string): ZoneEntry {
  let entry = zones.get(zone);
  if (!entry) {
    let format: Intl.DateTimeFormat | null;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      format = null; // RangeError: unknown zone
    }
    entry = {
      format,
      days: new Map(),
      slots: new Map(),
      steadyDays: new Int32Array(8).fill(-0x80000000),
      steadyOffsets: new Int32Array(8),
    };
    if (zones.size >= 1_000) zones.clear();
    zones.set(zone, entry);
  }
  return entry;
}

/** Whether the runtime knows `zone` (an IANA name). */
export function isKnownZone(zone: string): boolean {
  return zoneEntry(zone).format !== null;
}

/** The offset read straight from Intl: local wall time minus UTC, whole minutes. */
function exactOffset(format: Intl.DateTimeFormat, at: number): number {
  let year = 1970;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    const type = part.type;
    if (type === 'year') year = Number(part.value);
    else if (type === 'month') month = Number(part.value);
    else if (type === 'day') day = Number(part.value);
    else if (type === 'hour') hour = Number(part.value);
    else if (type === 'minute') minute = Number(part.value);
  }
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  return Math.round((wall - Math.floor(at / MINUTE) * MINUTE) / MINUTE);
}

const SLOT = 15 * MINUTE;

/**
 * Minutes to add to UTC to get the wall time in `zone` at `at` (epoch ms), or null for an
 * unknown zone.
 *
 * Cached by sampling each UTC day's start: if today's and tomorrow's samples agree, the offset
 * holds all day (zones change offset at most once a day, and months apart). On a day with a
 * transition it is read per 15-minute slot, which is exact because every zone's transitions
 * fall on a quarter hour of UTC.
 */
export function utcOffsetMinutes(zone: string, at: number): number | null {
  const entry = zoneEntry(zone);
  return entry.format ? offsetIn(entry, entry.format, at) : null;
}

function offsetIn(entry: ZoneEntry, format: Intl.DateTimeFormat, at: number): number {
  const day = Math.floor(at / DAY);
  const index = day & 7;
  if (entry.steadyDays[index] === day) return entry.steadyOffsets[index] ?? 0;
  const today = daySample(entry, format, day);
  if (today === daySample(entry, format, day + 1)) {
    entry.steadyDays[index] = day;
    entry.steadyOffsets[index] = today;
    return today;
  }
  const slot = Math.floor(at / SLOT);
  let offset = entry.slots.get(slot);
  if (offset === undefined) {
    offset = exactOffset(format, slot * SLOT);
    if (entry.slots.size >= MAX_SAMPLES) entry.slots.clear();
    entry.slots.set(slot, offset);
  }
  return offset;
}

function daySample(entry: ZoneEntry, format: Intl.DateTimeFormat, day: number): number {
  let offset = entry.days.get(day);
  if (offset === undefined) {
    offset = exactOffset(format, day * DAY);
    if (entry.days.size >= MAX_SAMPLES) entry.days.clear();
    entry.days.set(day, offset);
  }
  return offset;
}

/**
 * The UTC instant of a wall time in `zone`, given as "local epoch ms" (the wall time read as if
 * it were UTC); null for an unknown zone. A wall time that happens twice (clocks going back)
 * gives the later instant; one that never happens (clocks going forward) is read as the clocks
 * show it, an hour later (02:30 -> 03:30).
 */
export function localToUtc(zone: string, localMs: number): number | null {
  const entry = zoneEntry(zone);
  const format = entry.format;
  if (!format) return null;
  const first = offsetIn(entry, format, localMs);
  const guess = localMs - first * MINUTE;
  const second = offsetIn(entry, format, guess);
  if (second === first) return guess;
  const retry = localMs - second * MINUTE;
  if (offsetIn(entry, format, retry) === second) return retry;
  // In a gap neither offset fits; the later reading is the one clocks show.
  return Math.max(guess, retry);
}

/** Drops the offset caches (tests and benchmarks measure cold calls with it). */
export function resetZoneCaches(): void {
  zones.clear();
}

/** "HH:MM" for minutes after midnight. */
export function clockText(minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60);
  const m = Math.floor(minuteOfDay % 60);
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
