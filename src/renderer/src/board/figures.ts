import type { PresenceState } from '../../../shared/board-protocol';

/*
 * How the board's figures read on screen. Pure functions (the ticker calls the age ones every
 * second; the unit tests call them with any clock). What each figure means: docs/metrics.md.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Shown for a figure that has no value (no attempts: no contact rate; no samples: no p50). */
export const NONE = '—';

const pad = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * A duration in the board's words, coarser as it grows: "42s", "4m 05s", "1h 07m", "3d 4h".
 * Negative durations (a clock a moment behind the server's) read as "0s".
 */
export function durationText(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return NONE;
  const total = Math.max(0, Math.floor(ms / SECOND));
  if (total < 60) return `${total}s`;
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad(total % 60)}s`;
  if (total < 86_400)
    return `${Math.floor(total / 3600)}h ${pad(Math.floor((total % 3600) / 60))}m`;
  return `${Math.floor(total / 86_400)}d ${Math.floor((total % 86_400) / 3600)}h`;
}

/** A short axis label for a duration: "30s", "5m", "1.5h", "2d". */
export function axisDuration(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / SECOND)}s`;
  if (ms < HOUR) return `${trim(ms / MINUTE)}m`;
  if (ms < DAY) return `${trim(ms / HOUR)}h`;
  return `${trim(ms / DAY)}d`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');
}

/** How long since `since` at `now`; the dash when there is nothing to wait for. */
export function ageText(now: number, since: number | null): string {
  return since === null ? NONE : durationText(now - since);
}

/** A rate in [0, 1] as a whole percentage; null (no attempts) is not 0%. */
export function rateText(rate: number | null): string {
  return rate === null ? NONE : `${Math.round(rate * 100)}%`;
}

export const PRESENCE_LABEL: Readonly<Record<PresenceState, string>> = {
  receiving: 'Receiving',
  online: 'Online, not receiving',
  away: 'Away',
  offline: 'Offline',
};

/** Short chip text (the long one is the chip's title). */
export const PRESENCE_SHORT: Readonly<Record<PresenceState, string>> = {
  receiving: 'Receiving',
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** "14:00" for an hour of the day (the breaches chart's axis). */
export function hourLabel(hour: number): string {
  return `${pad(hour)}:00`;
}

/** "Dec 01" from "2026-12-01", without a Date (the day is the team's, not this machine's). */
export function dayLabel(day: string): string {
  const [, , month, date] = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day) ?? [];
  if (month === undefined || date === undefined) return day;
  const name = MONTHS[Number(month) - 1];
  return name === undefined ? day : `${name} ${date}`;
}

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** The unit a chart of durations up to `maxMs` reads best in (its axis shows plain numbers). */
export function durationUnit(maxMs: number): { readonly ms: number; readonly suffix: string } {
  if (maxMs < 2 * MINUTE) return { ms: SECOND, suffix: 's' };
  if (maxMs < 2 * HOUR) return { ms: MINUTE, suffix: 'm' };
  return { ms: HOUR, suffix: 'h' };
}
