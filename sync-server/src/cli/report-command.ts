import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { reportCsv, reportRows, type ReportTeam } from '../metrics/daily-report';
import {
  addDays,
  dayKeyProblem,
  daysIn,
  MAX_HISTORY_DAYS,
  readDailyHistory,
  teamZone,
} from '../metrics/history';
import { listTeams } from '../repos/teams';
import { listUsers } from '../repos/users';
import type { Command } from './command';
import { CommandFailure, UsageError } from './errors';
import type { ParsedFlags } from './flags';
import { resolveTeam } from './lookups';

/*
 * `report`: the per-rep metrics of every day in a range, as CSV (docs/metrics.md, "History and
 * the daily report"). Read-only: it opens the database like every command, changes nothing, and
 * may run while the server does.
 */

const report: Command = {
  name: 'report',
  summary: 'write a CSV of the per-rep metrics per day (the live board, day by day)',
  flags: {
    from: { type: 'string', value: 'YYYY-MM-DD', description: 'first day', required: true },
    to: { type: 'string', value: 'YYYY-MM-DD', description: 'last day (included)', required: true },
    out: { type: 'string', value: 'FILE', description: 'write the CSV here; default stdout' },
    team: { type: 'string', value: 'NAME_OR_ID', description: 'only this team; default all' },
  },
  examples: [
    'report --from 2026-11-01 --to 2026-11-30 --out november.csv',
    'report --from 2026-11-23 --to 2026-11-23 --team "EMEA Inbound"',
  ],
  async run({ flags, out, admin }) {
    const range = rangeOf(flags);
    const file = flags.string('out');
    const { db, config } = await admin();
    const teamName = flags.string('team');
    const rows = teamName === undefined ? await listTeams(db) : [await resolveTeam(db, teamName)];
    const users = await listUsers(db);
    const teams: ReportTeam[] = rows.map((t) => ({
      id: t.id,
      name: t.name,
      repIds: users
        .filter((u) => u.team_id === t.id && u.role === 'rep' && Number(u.active) === 1)
        .map((u) => u.id),
    }));
    const history = await readDailyHistory(
      db,
      rows.map((t) => ({ id: t.id, zone: teamZone(config.metrics, t.name) })),
      range,
    );
    const days = Array.from({ length: daysIn(range) }, (_, i) => addDays(range.from, i));
    const people = new Map(users.map((u) => [u.id, { email: u.email, name: u.name }]));
    const lines = reportRows(history, teams, people, days);
    const csv = reportCsv(lines);

    if (file === undefined) {
      // The CSV is the result: on stdout as it is (JSON only when asked for).
      out.result({ ...range, rows: lines.map(({ repId: _id, ...row }) => row) }, () =>
        csv.replace(/\r\n$/, ''),
      );
      return;
    }
    const path = resolve(file);
    writeAtomically(path, csv);
    const reps = new Set(lines.map((r) => `${r.team}|${r.repId}`)).size;
    out.result(
      { ...range, file: path, rows: lines.length },
      () =>
        `Wrote ${lines.length} row${lines.length === 1 ? '' : 's'} (${reps} rep${reps === 1 ? '' : 's'} x ${days.length} day${days.length === 1 ? '' : 's'}, ${teams.length} team${teams.length === 1 ? '' : 's'}) to ${path}.`,
    );
  },
};

/** --from and --to as a range, or a UsageError naming the flag. */
function rangeOf(flags: ParsedFlags): { from: string; to: string } {
  const from = flags.requiredString('from').trim();
  const to = flags.requiredString('to').trim();
  const fromProblem = dayKeyProblem(from);
  if (fromProblem) throw new UsageError(`--from ${fromProblem}`);
  const toProblem = dayKeyProblem(to);
  if (toProblem) throw new UsageError(`--to ${toProblem}`);
  if (to < from) throw new UsageError(`--to (${to}) must not be before --from (${from})`);
  const n = daysIn({ from, to });
  if (n > MAX_HISTORY_DAYS) {
    throw new UsageError(
      `--from to --to is ${n} days; a report covers at most ${MAX_HISTORY_DAYS}`,
    );
  }
  return { from, to };
}

/** A failed write leaves no half-written report behind (nor replaces a good one). */
function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new CommandFailure(`--out: cannot write ${path}: ${message}`);
  }
}

export const REPORT_COMMANDS: readonly Command[] = [report];
