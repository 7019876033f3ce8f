import { isKnownZone, localToUtc, utcOffsetMinutes } from '../../../src/shared/zone-time';

/*
 * "Today" for a team: the calendar day in the team's IANA zone that holds a given instant, as
 * the UTC instants where it starts and ends. A day is not always 24 h: 23 h when clocks go
 * forward, 25 h when they go back; Intl (through zone-time.ts) knows which.
 *
 *   calendarDayAt('America/New_York', Date.parse('2026-06-03T12:00:00Z'))
 *   // { key: '2026-06-03', start: Date.parse('2026-06-03T04:00:00Z'),
 *   //   end: Date.parse('2026-06-04T04:00:00Z') }
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface CalendarDay {
  /** "YYYY-MM-DD" in the zone. */
  readonly key: string;
  /** Epoch ms of the day's first instant (local midnight, or when clocks show 01:00 if a
   * spring-forward skips midnight). */
  readonly start: number;
  /** Epoch ms of the next day's start: the day holds start <= t < end. */
  readonly end: number;
}

/** The day in `zone` that holds `at`. Throws a RangeError for a zone the runtime does not know. */
export function calendarDayAt(zone: string, at: number): CalendarDay {
  const offset = utcOffsetMinutes(zone, at);
  if (offset === null) throw new RangeError(`unknown time zone "${zone}"`);
  let index = Math.floor((at + offset * MINUTE) / DAY);
  let day = dayOf(zone, index);
  // Guards for instants next to a transition, where the offset read before `at` is not the one
  // its midnight used: step to the neighbouring day that does hold it.
  while (at >= day.end) day = dayOf(zone, ++index);
  while (at < day.start) day = dayOf(zone, --index);
  return day;
}

export function assertKnownZone(zone: string, setting: string): void {
  if (!isKnownZone(zone)) throw new RangeError(`${setting}: unknown time zone "${zone}"`);
}

/** Local day number `index` (days since 1970-01-01 in the zone's wall time). */
function dayOf(zone: string, index: number): CalendarDay {
  const start = localToUtc(zone, index * DAY);
  const end = localToUtc(zone, (index + 1) * DAY);
  if (start === null || end === null) throw new RangeError(`unknown time zone "${zone}"`);
  return { key: new Date(index * DAY).toISOString().slice(0, 10), start, end };
}
