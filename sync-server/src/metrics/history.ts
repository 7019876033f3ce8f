import type { Disposition } from '../../../src/shared/dispositions';
import { utcOffsetMinutes } from '../../../src/shared/zone-time';
import type { Config } from '../config/schema';
import {
  type BreachFact,
  type FactWindow,
  readBreachFacts,
  readOutcomeFacts,
} from '../repos/board-reads';
import type { Db } from '../repos/db-types';
import { type CalendarDay, calendarDayAt } from './calendar-day';
import { DailyCounters } from './daily-counters';
import { OrderStatistics } from './order-statistics';

/*
 * The board's daily figures for past days, from SQLite: per team and per rep, one record per
 * calendar day of the team's zone. The definitions are the live engine's (docs/metrics.md), and
 * so is the code that counts: each day is a `DailyCounters` fed the same rows the board is
 * rebuilt from (repos/board-reads.ts, the same SQL): an outcome is an attempt for the rep who logged it, a connect
 * by DISPOSITION_INFO, a first touch when it is the lead's first *recorded* outcome, with
 * speed-to-lead = occurred_at - received_at floored at 0; a breach is an `alert_lead` step that
 * ran and was not skipped, for the deadline's rep. The day of an outcome is the day its call
 * happened (`occurred_at`), of a breach the day its step ran, both in the zone of the lead's
 * team. So today's history equals the live board (test/integration/board-history.test.ts).
 *
 * A rep's day is counted with the lead's team: a rep's record is (team, rep, day), the rep's
 * work on that team's leads. The live board counts a rep on their own board team; the two agree
 * unless a rep works another team's leads (they moved team while holding some), and this way
 * history keeps a rep's past days with the team they worked them for.
 *
 *   const { teams, reps } = await readDailyHistory(db, [{ id, zone }], {
 *     from: '2026-11-01',
 *     to: '2026-11-30',
 *   });
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The most days one read may cover (a year, leap or not). */
export const MAX_HISTORY_DAYS = 366;

export interface DailyFigures {
  /** The team's calendar day, "YYYY-MM-DD". */
  readonly day: string;
  readonly attempts: number;
  readonly connects: number;
  /** connects / attempts; null with no attempts (a rate of nothing is not 0%). */
  readonly contactRate: number | null;
  readonly qualified: number;
  readonly meetingsBooked: number;
  readonly slaBreaches: number;
  /** First touches: the sample count of the speed-to-lead percentiles. */
  readonly firstTouches: number;
  /** Nearest-rank median and 90th percentile of speed-to-lead, ms; null with no first touch. */
  readonly speedToLeadP50Ms: number | null;
  readonly speedToLeadP90Ms: number | null;
}

export interface TeamDayFigures extends DailyFigures {
  readonly teamId: string;
}

export interface RepDayFigures extends DailyFigures {
  readonly teamId: string;
  readonly repId: string;
}

/** A team and the zone whose calendar days its figures are counted in. */
export interface HistoryTeam {
  readonly id: string;
  readonly zone: string;
}

/** Calendar days `from` to `to`, both included, "YYYY-MM-DD". */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export interface DailyHistory {
  /** Every team, every day of the range (days without activity at zero), by team then day. */
  readonly teams: readonly TeamDayFigures[];
  /** Only the (team, rep, day) records with activity, by team, rep, then day. */
  readonly reps: readonly RepDayFigures[];
}

/** What the charts show of one team day: its figures, and what they are made of. */
export interface TeamDayDetail {
  readonly figures: TeamDayFigures;
  /** Every speed-to-lead sample of the day, ms, ascending. */
  readonly speedToLeadMs: readonly number[];
  /** Breaches per hour of the team's local clock, 0-23 (an hour that repeats counts twice). */
  readonly breachesByHour: readonly number[];
}

/** The zone a team's days are counted in: its own in `metrics.teamTimeZones`, else the default. */
export function teamZone(
  metrics: Pick<Config['metrics'], 'timeZone' | 'teamTimeZones'>,
  teamName: string,
): string {
  // hasOwn: a team named "constructor" must not read the prototype's function as its zone.
  return Object.hasOwn(metrics.teamTimeZones, teamName)
    ? (metrics.teamTimeZones[teamName] ?? metrics.timeZone)
    : metrics.timeZone;
}

/** The per-team and per-rep figures of every day in `range`, in each team's own zone. */
export async function readDailyHistory(
  db: Db,
  teams: readonly HistoryTeam[],
  range: DayRange,
): Promise<DailyHistory> {
  const keys = dayKeys(range);
  const calendar = new TeamCalendars(teams, range);
  const teamDays = new Map<string, DailyCounters>();
  const repDays = new Map<
    string,
    { teamId: string; repId: string; day: string; counters: DailyCounters }
  >();
  const teamCounters = (teamId: string, day: string) =>
    getOrAdd(teamDays, `${teamId}|${day}`, () => new DailyCounters());
  const repCounters = (teamId: string, repId: string, day: string) =>
    getOrAdd(repDays, `${teamId}|${repId}|${day}`, () => ({
      teamId,
      repId,
      day,
      counters: new DailyCounters(),
    })).counters;

  for (const o of await readOutcomeRows(db, calendar)) {
    const day = calendar.dayOf(o.teamId, o.occurredAt);
    if (day === null) continue;
    teamCounters(o.teamId, day.key).countOutcome(o.disposition, o.speedToLeadMs);
    repCounters(o.teamId, o.repId, day.key).countOutcome(o.disposition, o.speedToLeadMs);
  }
  for (const b of await readBreachRows(db, calendar)) {
    const day = calendar.dayOf(b.teamId, b.at);
    if (day === null) continue;
    teamCounters(b.teamId, day.key).countBreach();
    repCounters(b.teamId, b.repId, day.key).countBreach();
  }

  const empty = new DailyCounters();
  const teamRows = teams.flatMap((team) =>
    keys.map((day) => ({
      teamId: team.id,
      ...figuresOf(day, teamDays.get(`${team.id}|${day}`) ?? empty),
    })),
  );
  const order = new Map(teams.map((t, i) => [t.id, i]));
  const repRows = [...repDays.values()]
    .map((r) => ({ teamId: r.teamId, repId: r.repId, ...figuresOf(r.day, r.counters) }))
    .sort(
      (a, b) =>
        (order.get(a.teamId) ?? 0) - (order.get(b.teamId) ?? 0) ||
        compare(a.repId, b.repId) ||
        compare(a.day, b.day),
    );
  return { teams: teamRows, reps: repRows };
}

/** One team day's figures, speed-to-lead samples and breaches by local hour (the charts). */
export async function readTeamDayDetail(
  db: Db,
  team: HistoryTeam,
  day: string,
): Promise<TeamDayDetail> {
  const calendar = new TeamCalendars([team], { from: day, to: day });
  const counters = new DailyCounters();
  const samples = new OrderStatistics();
  for (const o of await readOutcomeRows(db, calendar)) {
    if (calendar.dayOf(o.teamId, o.occurredAt) === null) continue;
    counters.countOutcome(o.disposition, o.speedToLeadMs);
    if (o.speedToLeadMs !== null) samples.insert(o.speedToLeadMs);
  }
  const hours = Array.from({ length: 24 }, () => 0);
  for (const b of await readBreachRows(db, calendar)) {
    if (calendar.dayOf(b.teamId, b.at) === null) continue;
    counters.countBreach();
    const hour = localHour(team.zone, b.at);
    hours[hour] = (hours[hour] ?? 0) + 1;
  }
  return {
    figures: { teamId: team.id, ...figuresOf(day, counters) },
    speedToLeadMs: samples.toArray(),
    breachesByHour: hours,
  };
}

/** Why `text` is not a calendar day "YYYY-MM-DD", or null when it is one. */
export function dayKeyProblem(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return `must be a date as YYYY-MM-DD, got "${text}"`;
  const at = Date.parse(`${text}T00:00:00Z`);
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text) {
    return `is not a calendar date: "${text}"`;
  }
  return null;
}

/** "2026-11-30" + 1 -> "2026-12-01" (calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

/** How many days `range` holds, both ends included (0 when `to` is before `from`). */
export function daysIn(range: DayRange): number {
  const span = (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY;
  return Math.max(0, Math.round(span) + 1);
}

function dayKeys(range: DayRange): string[] {
  for (const key of [range.from, range.to]) {
    const problem = dayKeyProblem(key);
    if (problem) throw new RangeError(`day ${problem}`);
  }
  const n = daysIn(range);
  if (n === 0)
    throw new RangeError(`the range ends (${range.to}) before it starts (${range.from})`);
  if (n > MAX_HISTORY_DAYS)
    throw new RangeError(`the range is longer than ${MAX_HISTORY_DAYS} days`);
  return Array.from({ length: n }, (_, i) => addDays(range.from, i));
}

function figuresOf(day: string, c: DailyCounters): DailyFigures {
  return {
    day,
    attempts: c.attemptCount,
    connects: c.connectCount,
    contactRate: c.contactRate,
    qualified: c.qualifiedCount,
    meetingsBooked: c.meetingsBookedCount,
    slaBreaches: c.slaBreachCount,
    firstTouches: c.firstTouches,
    speedToLeadP50Ms: c.speedToLeadPercentile(50),
    speedToLeadP90Ms: c.speedToLeadPercentile(90),
  };
}

/**
 * Each team's calendar days over the range, to find the day of an instant by binary search:
 * one Intl reading per day and zone instead of one per row.
 */
class TeamCalendars {
  readonly teamIds: readonly string[];
  /** The earliest start and latest end over every team's days: the SQL's bounds. */
  readonly start: number;
  readonly end: number;
  private readonly byTeam = new Map<string, readonly CalendarDay[]>();

  constructor(teams: readonly HistoryTeam[], range: DayRange) {
    const keys = dayKeys(range);
    const byZone = new Map<string, readonly CalendarDay[]>();
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const team of teams) {
      const days = getOrAdd(byZone, team.zone, () => zoneDays(team.zone, keys));
      this.byTeam.set(team.id, days);
      start = Math.min(start, days[0]?.start ?? start);
      end = Math.max(end, days[days.length - 1]?.end ?? end);
    }
    this.teamIds = teams.map((t) => t.id);
    this.start = start;
    this.end = end;
  }

  /** The team day holding `at`, or null when it is outside the range. */
  dayOf(teamId: string, at: number): CalendarDay | null {
    const days = this.byTeam.get(teamId);
    if (!days) return null;
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((days[mid]?.end ?? 0) <= at) lo = mid + 1;
      else hi = mid;
    }
    const day = days[lo];
    return day && at >= day.start && at < day.end ? day : null;
  }
}

/** The zone's days with the given keys (consecutive), found from each key's UTC noon. */
function zoneDays(zone: string, keys: readonly string[]): CalendarDay[] {
  const first = keys[0];
  if (first === undefined) return [];
  // UTC noon of the key is within a day of the key's local day in every zone (offsets are
  // within -12 h and +14 h): one step at most, either way.
  let day = calendarDayAt(zone, Date.parse(`${first}T12:00:00Z`));
  while (day.key < first) day = calendarDayAt(zone, day.end);
  while (day.key > first) day = calendarDayAt(zone, day.start - 1);
  const days: CalendarDay[] = [];
  for (let i = 0; i < keys.length; i++) {
    days.push(day);
    day = calendarDayAt(zone, day.end);
  }
  return days;
}

function localHour(zone: string, at: number): number {
  const offset = utcOffsetMinutes(zone, at) ?? 0;
  const local = at + offset * MINUTE;
  return Math.floor((((local % DAY) + DAY) % DAY) / HOUR);
}

interface OutcomeRow {
  readonly teamId: string;
  readonly repId: string;
  readonly disposition: Disposition;
  readonly occurredAt: number;
  /** Set for the lead's first recorded outcome only. */
  readonly speedToLeadMs: number | null;
}

/** Outcomes of the teams' leads whose call may fall in the range (each is placed later). */
async function readOutcomeRows(db: Db, calendar: TeamCalendars): Promise<OutcomeRow[]> {
  const facts = await readOutcomeFacts(db, calendarWindow(calendar));
  return facts.map((o) => ({
    teamId: o.teamId,
    repId: o.repId,
    disposition: o.disposition,
    occurredAt: o.occurredAt,
    speedToLeadMs: o.firstTouch ? Math.max(0, o.occurredAt - o.receivedAt) : null,
  }));
}

/** `alert_lead` steps that ran and were not skipped, in the range's bounds. */
function readBreachRows(db: Db, calendar: TeamCalendars): Promise<BreachFact[]> {
  return readBreachFacts(db, calendarWindow(calendar));
}

/** The SQL's bounds: every team's days, and only those teams' leads. */
function calendarWindow(calendar: TeamCalendars): FactWindow {
  return { since: calendar.start, until: calendar.end, teamIds: calendar.teamIds };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
