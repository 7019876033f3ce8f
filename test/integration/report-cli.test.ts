import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { MutationArgs } from '../../src/shared/sync-protocol';
import { runAdmin } from '../../sync-server/src/cli/run-admin';
import { parseCsv } from '../../sync-server/src/formats/csv';
import { http } from '../helpers/http';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  postLead,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * `npm run admin -- report` as its own process against the data folder of a real server that
 * lived through three scripted November days in New York: one CSV row per rep per day (quiet
 * days too), RFC 4180 quoting, the figures the board would have shown, and clear refusals of a
 * wrong command line.
 */

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const MIN = 60_000;
const CONFIG = { auth: { scrypt: { N: 1024 } }, metrics: { timeZone: 'America/New_York' } };

let dir: string;
let configFile: string;
let dataDir: string;
let now = Date.parse('2026-11-10T15:00:00.000Z'); // 10:00 in New York
const clock = () => now;

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['sync-server/src/cli/admin.ts', ...args, '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, POUNCE_DATA_DIR: dataDir, POUNCE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`admin ${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** runAdmin in this process, with the same data folder and config as `cli`. */
async function inProcess(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runAdmin([...args, '--config', configFile], {
    env: { ...process.env, POUNCE_DATA_DIR: dataDir, POUNCE_CONFIG: '' },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const mutations = new Map<string, { clientId: string; next: number }>();
async function logOutcome(
  s: TestServer,
  rep: TestUser,
  leadId: string,
  disposition: MutationArgs<'logOutcome'>['disposition'],
): Promise<void> {
  const client = mutations.get(rep.id) ?? { clientId: uuidv7(), next: 0 };
  mutations.set(rep.id, client);
  client.next += 1;
  const res = await http<{ results: { status: string }[] }>('POST', `${s.url}/api/v1/sync/push`, {
    token: rep.token,
    body: {
      protocolVersion: 1,
      clientId: client.clientId,
      mutations: [
        {
          name: 'logOutcome',
          args: { outcomeId: uuidv7(), leadId, disposition },
          clientId: client.clientId,
          mutationId: client.next,
          occurredAt: new Date(now).toISOString(),
        },
      ],
    },
  });
  expect(res.body.results.map((r) => r.status)).toEqual(['applied']);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pounce-report-'));
  dataDir = join(dir, 'data');
  configFile = join(dir, 'pounce.json');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  const s = await startTestServer(
    { ...CONFIG, routing: { requireOnline: false } },
    { clock, dataDir },
  );
  try {
    // A comma in the team's name and quotes in a rep's: the CSV must quote them.
    const teamId = await createTeam(s, 'East, Inc');
    await createTeam(s, 'West');
    const ana = await createUser(s, { email: 'ana@r.test', role: 'rep', teamId, name: 'Ana' });
    const jj = await createUser(s, {
      email: 'jj@r.test',
      role: 'rep',
      teamId,
      name: 'Doe, "JJ"',
    });
    await createUser(s, { email: 'lea@r.test', role: 'lead', teamId });
    const apiKey = await createApiKey(s);
    const postFor = async (rep: TestUser) => {
      const lead = (await postLead(s, apiKey, hotLead())).body.lead;
      if (lead.assignedTo !== rep.id) {
        const res = await http('POST', `${s.url}/api/v1/leads/${lead.id}/reassign`, {
          token: s.adminToken,
          body: { toUserId: rep.id },
        });
        expect(res.status).toBe(200);
      }
      return lead.id;
    };

    // 10 November: Ana reaches her lead after 2 min (no answer), books a meeting later; JJ
    // qualifies his after 6 min.
    const first = await postFor(ana);
    now += 2 * MIN;
    await logOutcome(s, ana, first, 'no_answer');
    const second = await postFor(jj);
    now += 6 * MIN;
    await logOutcome(s, jj, second, 'qualified');
    now += 2 * MIN;
    await logOutcome(s, ana, first, 'meeting_booked');

    // 11 November: nobody touches Ana's lead within its 5 minutes.
    now = Date.parse('2026-11-11T16:00:00.000Z');
    await postFor(ana);
    now += 5 * MIN;
    await s.handle.escalations.runDue(now);
  } finally {
    await s.stop({ keepData: true });
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin report', () => {
  it('writes one CSV row per rep per day, quoted as RFC 4180 says', async () => {
    const out = join(dir, 'east.csv');
    const run = await cli(
      'report',
      '--from',
      '2026-11-09',
      '--to',
      '2026-11-11',
      '--team',
      'East, Inc',
      '--out',
      out,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote 6 rows \(2 reps x 3 days, 1 team\) to /);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toEqual([
      'day,team,rep_email,rep_name,attempts,connects,contact_rate,qualified,meetings_booked,sla_breaches,first_touches,speed_to_lead_p50_s,speed_to_lead_p90_s',
      '2026-11-09,"East, Inc",ana@r.test,Ana,0,0,,0,0,0,0,,',
      '2026-11-09,"East, Inc",jj@r.test,"Doe, ""JJ""",0,0,,0,0,0,0,,',
      '2026-11-10,"East, Inc",ana@r.test,Ana,2,1,0.5,0,1,0,1,120,120',
      '2026-11-10,"East, Inc",jj@r.test,"Doe, ""JJ""",1,1,1,1,0,0,1,360,360',
      '2026-11-11,"East, Inc",ana@r.test,Ana,0,0,,0,0,1,0,,',
      '2026-11-11,"East, Inc",jj@r.test,"Doe, ""JJ""",0,0,,0,0,0,0,,',
      '',
    ]);
    // A CSV reader gets the names back as they are.
    const records = parseCsv(text);
    expect(records[2]?.cells.slice(0, 4)).toEqual([
      '2026-11-09',
      'East, Inc',
      'jj@r.test',
      'Doe, "JJ"',
    ]);
  });

  it('prints the CSV without --out, every team by default, and JSON with --json', async () => {
    const run = await cli('report', '--from', '2026-11-10', '--to', '2026-11-10');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\r\n');
    expect(lines[0]).toMatch(/^day,team,rep_email/);
    // West has no reps and did nothing: no rows for it.
    expect(lines.filter((l) => l.startsWith('2026-11-10,'))).toHaveLength(2);

    const json = await cli('report', '--from', '2026-11-10', '--to', '2026-11-10', '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { from: string; rows: Record<string, unknown>[] };
    expect(parsed.from).toBe('2026-11-10');
    expect(parsed.rows.find((r) => r.repEmail === 'ana@r.test')).toMatchObject({
      day: '2026-11-10',
      team: 'East, Inc',
      attempts: 2,
      contactRate: 0.5,
      speedToLeadP50Ms: 120_000,
    });
  });

  it('refuses a wrong range with exit 2 and a line naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--from', '2026/11/01', '--to', '2026-11-30'], /--from must be a date as YYYY-MM-DD/],
      [['--from', '2026-11-01', '--to', '2026-13-01'], /--to is not a calendar date/],
      [['--from', '2026-02-30', '--to', '2026-03-01'], /--from is not a calendar date/],
      [['--from', '2026-11-30', '--to', '2026-11-01'], /--to \(2026-11-01\) must not be before/],
      [['--from', '2025-01-01', '--to', '2026-01-02'], /is 367 days; a report covers at most 366/],
      [['--from', '2026-11-01'], /--to is required/],
      [['--from', '2026-11-01', '--to', '2026-11-02', '--tem', 'x'], /unknown flag --tem/],
    ];
    // The checks are run-admin's, the same code admin.ts runs as a process: in-process here, so
    // the dozen cases do not each start a TypeScript process.
    for (const [args, message] of cases) {
      const run = await inProcess('report', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    const leap = await inProcess('report', '--from', '2028-01-01', '--to', '2028-12-31', '--json');
    expect(leap.code).toBe(0);

    const team = await cli(
      'report',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-02',
      '--team',
      'Nope',
    );
    expect(team.code).toBe(1);
    expect(team.stderr).toMatch(/--team: no team named or with id "Nope"/);
    const missing = join(dir, 'no-such-folder', 'out.csv');
    const write = await cli(
      'report',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-02',
      '--out',
      missing,
    );
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/--out: cannot write/);
    expect(existsSync(missing)).toBe(false);
  });

  it('is listed in the help', async () => {
    const help = await cli('help');
    expect(help.stdout).toMatch(/\n {2}report +write a CSV of the per-rep metrics per day/);
    const own = await cli('report', '--help');
    expect(own.stdout).toMatch(/--from YYYY-MM-DD/);
  });
});
