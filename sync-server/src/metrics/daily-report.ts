import { csvCell } from '../formats/csv';
import type { DailyFigures, DailyHistory, RepDayFigures } from './history';

/*
 * The per-rep daily report (`npm run admin -- report`): the history's rep records laid out as
 * one row per rep per day, and written as CSV. Pure: the caller reads the history and the names.
 *
 * Which reps: every rep the team has now (active reps whose team it is) and everyone who did
 * something for its leads in the range, so a quiet day is a row of zeros, not a missing row,
 * and a rep who left the team still has the days they worked for it.
 */

export interface ReportTeam {
  readonly id: string;
  readonly name: string;
  /** Active reps of the team now, by id. */
  readonly repIds: readonly string[];
}

export interface ReportPerson {
  readonly email: string;
  readonly name: string;
}

export interface ReportRow extends DailyFigures {
  readonly team: string;
  readonly repId: string;
  readonly repEmail: string;
  readonly repName: string;
}

export const REPORT_COLUMNS = [
  'day',
  'team',
  'rep_email',
  'rep_name',
  'attempts',
  'connects',
  'contact_rate',
  'qualified',
  'meetings_booked',
  'sla_breaches',
  'first_touches',
  'speed_to_lead_p50_s',
  'speed_to_lead_p90_s',
] as const;

/** Rows by day, then team name, then rep email (then id, for two reps without one). */
export function reportRows(
  history: DailyHistory,
  teams: readonly ReportTeam[],
  people: ReadonlyMap<string, ReportPerson>,
  days: readonly string[],
): ReportRow[] {
  const records = new Map<string, RepDayFigures>();
  for (const r of history.reps) records.set(`${r.teamId}|${r.repId}|${r.day}`, r);
  const rows: ReportRow[] = [];
  for (const team of teams) {
    const reps = new Set(team.repIds);
    for (const r of history.reps) if (r.teamId === team.id) reps.add(r.repId);
    for (const repId of reps) {
      const person = people.get(repId);
      for (const day of days) {
        const figures = records.get(`${team.id}|${repId}|${day}`) ?? zeroDay(day);
        rows.push({
          ...figures,
          day,
          team: team.name,
          repId,
          repEmail: person?.email ?? '',
          repName: person?.name ?? '',
        });
      }
    }
  }
  return rows.sort(
    (a, b) =>
      compare(a.day, b.day) ||
      compare(a.team, b.team) ||
      compare(a.repEmail, b.repEmail) ||
      compare(a.repId, b.repId),
  );
}

/**
 * RFC 4180: a header line, CRLF line ends, a cell quoted when it holds a comma, a quote or a
 * line break (quotes doubled); names that a spreadsheet would read as a formula made text. Empty cells for what is undefined (a rate with no attempts,
 * percentiles with no first touch); durations in seconds, exact to the millisecond.
 */
export function reportCsv(rows: readonly ReportRow[]): string {
  const lines = [REPORT_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.day,
        text(r.team),
        text(r.repEmail),
        text(r.repName),
        String(r.attempts),
        String(r.connects),
        r.contactRate === null ? '' : String(Number(r.contactRate.toFixed(4))),
        String(r.qualified),
        String(r.meetingsBooked),
        String(r.slaBreaches),
        String(r.firstTouches),
        seconds(r.speedToLeadP50Ms),
        seconds(r.speedToLeadP90Ms),
      ]
        .map((cell) => csvCell(cell))
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A name as a spreadsheet will not run it: a cell starting with =, +, -, @ or a tab is a
 * formula to Excel and friends (CSV injection), so it gets a leading apostrophe, which they
 * show as text.
 */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function seconds(ms: number | null): string {
  return ms === null ? '' : String(ms / 1000);
}

function zeroDay(day: string): DailyFigures {
  return {
    day,
    attempts: 0,
    connects: 0,
    contactRate: null,
    qualified: 0,
    meetingsBooked: 0,
    slaBreaches: 0,
    firstTouches: 0,
    speedToLeadP50Ms: null,
    speedToLeadP90Ms: null,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
