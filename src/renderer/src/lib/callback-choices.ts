import { localToUtc, utcOffsetMinutes } from '../../../shared/zone-time';

/*
 * The callback picker's quick choices, in the lead's own local time ("tomorrow 09:00 their
 * time"), and the custom time a rep types, read in the lead's zone. Pure: `now` and the zone in,
 * epoch ms out.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface CallbackChoice {
  readonly key: string;
  readonly label: string;
  readonly at: number;
}

/** Rounded up to the next 5 minutes: nobody books a callback at 14:07:31. */
function roundUp(at: number): number {
  const step = 5 * MINUTE;
  return Math.ceil(at / step) * step;
}

/** The wall-clock day and minute of `at` in `zone` (the rep's own zone when null). */
function localParts(at: number, zone: string | null): { day: number; minute: number } {
  const offset = zone === null ? -new Date(at).getTimezoneOffset() : utcOffsetMinutes(zone, at);
  const local = at + (offset ?? 0) * MINUTE;
  const day = Math.floor(local / DAY);
  return { day, minute: Math.round((local - day * DAY) / MINUTE) };
}

/** The instant of a wall time (local day + minute) in `zone`, or the rep's own zone. */
export function wallTimeToUtc(day: number, minute: number, zone: string | null): number {
  const localMs = day * DAY + minute * MINUTE;
  if (zone !== null) {
    const at = localToUtc(zone, localMs);
    if (at !== null) return at;
  }
  const d = new Date(localMs);
  return new Date(
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
  ).getTime();
}

export function callbackChoices(now: number, zone: string | null): CallbackChoice[] {
  const { day, minute } = localParts(now, zone);
  const choices: CallbackChoice[] = [
    { key: '1', label: 'In 1 hour', at: roundUp(now + HOUR) },
    { key: '2', label: 'In 3 hours', at: roundUp(now + 3 * HOUR) },
  ];
  // This afternoon, while it is still morning there.
  if (minute < 15 * 60) {
    choices.push({ key: '', label: 'Today 16:00', at: wallTimeToUtc(day, 16 * 60, zone) });
  }
  choices.push(
    { key: '', label: 'Tomorrow 09:00', at: wallTimeToUtc(day + 1, 9 * 60, zone) },
    { key: '', label: 'Tomorrow 14:00', at: wallTimeToUtc(day + 1, 14 * 60, zone) },
  );
  // 1970-01-01 was a Thursday; the next Monday strictly after today.
  const weekday = (((day + 4) % 7) + 7) % 7;
  const toMonday = (8 - weekday) % 7 || 7;
  choices.push({
    key: '',
    label: 'Monday 10:00',
    at: wallTimeToUtc(day + toMonday, 10 * 60, zone),
  });
  return choices.map((c, i) => ({ ...c, key: String(i + 1) }));
}

/**
 * A custom time from an `<input type="datetime-local">` ("2026-12-01T14:30"), read in `zone`.
 * Null when it does not parse or is not in the future.
 */
export function parseCustomTime(value: string, zone: string | null, now: number): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const day = Math.floor(Date.UTC(y, mo - 1, d) / DAY);
  const at = wallTimeToUtc(day, h * 60 + mi, zone);
  return at > now ? at : null;
}

/** The value a datetime-local input starts at: one hour from now, in `zone`. */
export function customTimeDefault(now: number, zone: string | null): string {
  const at = roundUp(now + HOUR);
  const { day, minute } = localParts(at, zone);
  const date = new Date(day * DAY).toISOString().slice(0, 10);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return `${date}T${hh}:${mm}`;
}
