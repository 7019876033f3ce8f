import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../sync-server/src/db/sqlite';
import { csvCell, parseCsv } from '../../sync-server/src/formats/csv';
import { createApiKey, createTeam, startTestServer, type TestServer } from '../helpers/test-server';

/*
 * The admin CLI's CSV import as its own process against a real server: 10,000 rows, some of them
 * broken in the ways real exports are, then the same file again.
 */

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const ROWS = 10_000;
const SOURCE = 'Expo 2026';

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface ImportJson {
  summary: {
    total: number;
    created: number;
    existing: number;
    rejected: number;
    failed: number;
    empty: number;
    seconds: number;
    columns: { column: string; field: string | null }[];
  };
  report?: string;
  rejected?: { row: number; field: string; column: string | null; reason: string }[];
}

let s: TestServer;
let apiKey: string;
let dir: string;
let csvFile: string;

/** What the test expects of each data row, by its spreadsheet row number. */
const expected = new Map<
  number,
  { field: string; column: string | null } | 'ok' | 'empty' | 'dup'
>();

function cli(...args: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['sync-server/src/cli/admin.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, POUNCE_CONFIG: '', POUNCE_DATA_DIR: join(dir, 'unused-data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`admin ${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
    }, 170_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** 10,000 data rows with a BOM, CRLF, quoted commas, quotes and line breaks, and broken rows. */
function writeCsv(file: string): void {
  const header = [
    'First Name',
    'Last Name',
    'E-mail',
    'Phone',
    'Company',
    'Job Title',
    'Country',
    'Notes',
    'Campaign',
    'Ignore Me',
  ];
  const lines = [header.join(',')];
  let firstRow: string | undefined;
  for (let i = 0; i < ROWS; i++) {
    const row = i + 2;
    let cells = [
      `Ann${i}`,
      `Lee${i}`,
      `ann.${i}@acme-${i % 97}.example`,
      `+1 415 555 ${String(i % 10_000).padStart(4, '0')}`,
      i % 10 === 0 ? `Acme ${i}, Inc.` : `Acme ${i}`,
      'VP Sales',
      'US',
      i % 10 === 0 ? `She said "call me"\nafter ${i}, please` : `note ${i}`,
      `camp-${i % 5}`,
      'secret',
    ];
    let expectation: { field: string; column: string | null } | 'ok' | 'empty' | 'dup' = 'ok';
    let raw: string | undefined;
    if (i % 250 === 7) {
      cells[2] = 'not-an-email';
      expectation = { field: 'email', column: 'E-mail' };
    } else if (i % 250 === 50) {
      cells[0] = '';
      cells[1] = '';
      expectation = { field: 'name', column: 'First Name' };
    } else if (i % 250 === 100) {
      cells[3] = 'call me maybe';
      expectation = { field: 'phone', column: 'Phone' };
    } else if (i % 1000 === 500) {
      cells = cells.slice(0, 6);
      expectation = { field: '', column: null };
    } else if (i % 1000 === 900) {
      raw = `"Ann${i}"x,Lee,a${i}@b.example,,,,,,,`;
      expectation = { field: '', column: null };
    } else if (i === 4321) {
      raw = '';
      expectation = 'empty';
    } else if (i === ROWS - 1) {
      raw = firstRow;
      expectation = 'dup';
    }
    const line = raw ?? cells.map((c) => csvCell(c)).join(',');
    if (i === 0) firstRow = line;
    lines.push(line);
    expected.set(row, expectation);
  }
  writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`);
}

const count = (kind: 'ok' | 'empty' | 'dup' | 'rejected') =>
  [...expected.values()].filter((e) => (kind === 'rejected' ? typeof e === 'object' : e === kind))
    .length;

function leadsInDatabase(): number {
  const db = new BetterSqlite3(join(s.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return (
      db.prepare('select count(*) as n from leads where source = ?').get(SOURCE) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  // 20,000 posts with one key as fast as 16 connections go: past any sensible per-key intake
  // limit, which this file is not about (intake-limits.test.ts imports against one).
  s = await startTestServer({ intake: { rateLimit: null } });
  await createTeam(s, 'Expo');
  apiKey = await createApiKey(s, 'csv import');
  dir = mkdtempSync(join(tmpdir(), 'pounce-csv-'));
  csvFile = join(dir, 'expo leads.csv');
  writeCsv(csvFile);
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads import-csv', () => {
  const args = () => [
    'leads',
    'import-csv',
    '--server',
    s.url,
    '--api-key',
    apiKey,
    '--file',
    csvFile,
    '--source',
    SOURCE,
    '--map',
    'Campaign=fields.campaign,Ignore Me=-',
    '--signal',
    'webinar',
    '--concurrency',
    '16',
  ];

  it('imports 10,000 rows: counts right, and a report that names each rejected row and field', async () => {
    const report = join(dir, 'rejected.csv');
    const run = await cli(...args(), '--report', report, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ImportJson;

    expect(result.summary).toMatchObject({
      total: ROWS,
      created: count('ok'),
      existing: count('dup'),
      rejected: count('rejected'),
      failed: 0,
      empty: count('empty'),
    });
    expect(result.summary.columns).toContainEqual({ column: 'E-mail', field: 'email' });
    expect(result.summary.columns).toContainEqual({ column: 'Ignore Me', field: null });
    expect(leadsInDatabase()).toBe(count('ok'));

    // The report: one line per failing field, by spreadsheet row, with the CSV column.
    const [head, ...lines] = parseCsv(readFileSync(report, 'utf8')).map((r) => r.cells);
    expect(head).toEqual(['row', 'line', 'column', 'field', 'reason']);
    const byRow = new Map(
      lines.map(([row, , column, field, reason]) => [Number(row), { column, field, reason }]),
    );
    for (const [row, want] of expected) {
      if (typeof want !== 'object') {
        expect(byRow.has(row), `row ${row} should not be rejected`).toBe(false);
        continue;
      }
      const got = byRow.get(row);
      expect(got, `row ${row}`).toBeDefined();
      expect(got?.field, `row ${row}`).toBe(want.field);
      expect(got?.column, `row ${row}`).toBe(want.column ?? '');
    }
    expect(byRow.get(9)?.reason).toBe('must be an email address');
    expect(byRow.get(502)?.reason).toBe('has 6 cells; the header has 10');
    expect(byRow.get(902)?.reason).toContain('malformed CSV');

    // Not a terminal: plain progress lines on stderr, the last one at 10,000.
    expect(run.stderr).toContain('import: 10,000/10,000 rows');
    expect(run.stderr).not.toContain('\r');
  }, 180_000);

  it('keeps quoted commas, quotes and line breaks, and maps columns', () => {
    const db = new BetterSqlite3(join(s.dataDir, DATABASE_FILE), { readonly: true });
    try {
      const row = db
        .prepare(
          'select name, email, phone, company, title, country, message, fields, signals from leads where source = ? and email = ?',
        )
        .get(SOURCE, 'ann.10@acme-10.example') as Record<string, string>;
      expect(row).toMatchObject({
        name: 'Ann10 Lee10',
        phone: '+14155550010',
        company: 'Acme 10, Inc.',
        title: 'VP Sales',
        country: 'US',
        message: 'She said "call me"\nafter 10, please',
      });
      expect(JSON.parse(row.fields ?? '{}')).toEqual({ campaign: 'camp-0' });
      expect(JSON.parse(row.signals ?? '[]')).toEqual([
        expect.objectContaining({ type: 'webinar' }),
      ]);
    } finally {
      db.close();
    }
  });

  it('run again on the same file, it creates nothing new', async () => {
    const run = await cli(...args(), '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ImportJson;
    expect(result.summary).toMatchObject({
      total: ROWS,
      created: 0,
      existing: count('ok') + count('dup'),
      rejected: count('rejected'),
      failed: 0,
    });
    // Without --report, the rejected rows are in the result.
    expect(result.rejected?.length).toBeGreaterThanOrEqual(count('rejected'));
    expect(leadsInDatabase()).toBe(count('ok'));
  }, 180_000);

  it('stops at once on a wrong API key (exit 1), and names a wrong --map column (exit 2)', async () => {
    const small = join(dir, 'small.csv');
    writeFileSync(small, 'name,email\nAnn,ann@small.example\nBob,bob@small.example\n');
    const bad = await cli(
      'leads',
      'import-csv',
      '--server',
      s.url,
      '--api-key',
      'pnc_k_wrong',
      '--file',
      small,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the server refused the API key (401)');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const map = await cli(
      'leads',
      'import-csv',
      '--server',
      s.url,
      '--api-key',
      apiKey,
      '--file',
      small,
      '--map',
      'Mail=email',
    );
    expect(map.code).toBe(2);
    expect(map.stderr).toContain('--map: no column named "Mail"; the columns are "name", "email"');

    const human = await cli(
      'leads',
      'import-csv',
      '--server',
      s.url,
      '--api-key',
      apiKey,
      '--file',
      small,
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('2 created');
  }, 60_000);
});
