import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../sync-server/src/db/sqlite';
import { http } from '../helpers/http';
import { startTestServer } from '../helpers/test-server';

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let dataDir: string;
let configFile: string;

/** The real admin CLI as its own process, stdin closed (not a terminal), like in a script. */
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
    // The CLI must end by itself once done (database closed, nothing left running).
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

function json<T>(run: CliRun): T {
  expect(run.stderr.replace(/^admin: note: .*\n/m, '')).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** A user error is one line (plus a hint), never a stack trace. */
function expectNoStack(run: CliRun): void {
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pounce-cli-'));
  dataDir = join(dir, 'data');
  configFile = join(dir, 'pounce.json');
  // A fast, still real, scrypt.
  writeFileSync(configFile, JSON.stringify({ auth: { scrypt: { N: 1024 } } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin CLI', () => {
  let teamId: string;
  let apiKey: { id: string; key: string };

  it('creates a team and lists it as JSON', async () => {
    const created = json<{ team: { id: string; name: string } }>(
      await cli('teams', 'create', '--name', 'Inbound EMEA', '--json'),
    );
    expect(created.team.name).toBe('Inbound EMEA');
    teamId = created.team.id;

    const listed = json<{ teams: { id: string; name: string }[] }>(
      await cli('teams', 'list', '--json'),
    );
    expect(listed.teams).toEqual([{ id: teamId, name: 'Inbound EMEA', assignment: 'fair' }]);
  });

  it('switches a team to claim mode, naming a bad value by flag', async () => {
    const bad = await cli('teams', 'update', '--team', 'Inbound EMEA', '--assignment', 'grab');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^admin: --assignment: must be "fair" or "claim"/);
    const updated = json<{ team: { id: string; assignment: string } }>(
      await cli('teams', 'update', '--team', 'Inbound EMEA', '--assignment', 'claim', '--json'),
    );
    expect(updated.team).toEqual({ id: teamId, name: 'Inbound EMEA', assignment: 'claim' });
    const back = json<{ team: { assignment: string } }>(
      await cli('teams', 'update', '--team', teamId, '--assignment', 'fair', '--json'),
    );
    expect(back.team.assignment).toBe('fair');
  });

  it('creates a user in a team named by name, with weight and capacity', async () => {
    const run = await cli(
      'users',
      'create',
      '--email',
      'Ann.Lee@Example.com',
      '--name',
      'Ann Lee',
      '--password',
      'ann-password-1',
      '--role',
      'rep',
      '--team',
      'Inbound EMEA',
      '--weight',
      '2',
      '--capacity',
      '10',
      '--json',
    );
    const { user } = json<{ user: Record<string, unknown> }>(run);
    expect(user).toMatchObject({
      email: 'ann.lee@example.com',
      name: 'Ann Lee',
      role: 'rep',
      teamId,
      weight: 2,
      capacity: 10,
      active: true,
      receivingLeads: true,
    });
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('refuses a duplicate email with exit 1 and a clear message', async () => {
    const run = await cli(
      'users',
      'create',
      '--email',
      'ann.lee@example.com',
      '--name',
      'Ann Again',
      '--password',
      'ann-password-2',
      '--role',
      'rep',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a user with email ann.lee@example.com exists');
    expectNoStack(run);
  });

  it('names an unknown flag, with exit 2', async () => {
    const run = await cli(
      'users',
      'create',
      '--emial',
      'bob@example.com',
      '--name',
      'Bob',
      '--role',
      'rep',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown flag --emial');
    expect(run.stderr).toContain('did you mean --email?');
    expectNoStack(run);
  });

  it('names each flag whose value is invalid, with exit 2', async () => {
    const run = await cli(
      'users',
      'create',
      '--email',
      'not-an-email',
      '--name',
      'Bob',
      '--password',
      'short',
      '--role',
      'boss',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--email: must be an email address');
    expect(run.stderr).toContain('--role:');
    expectNoStack(run);

    const weight = await cli(
      'users',
      'update',
      '--email',
      'ann.lee@example.com',
      '--weight',
      'two',
    );
    expect(weight.code).toBe(2);
    expect(weight.stderr).toContain('--weight must be a whole number');

    const missing = await cli(
      'users',
      'create',
      '--email',
      'bob@example.com',
      '--name',
      'Bob',
      '--role',
      'rep',
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--password is required');
  });

  it('reports machine-readable errors with --json', async () => {
    const run = await cli('teams', 'create', '--name', 'Inbound EMEA', '--json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: { code: 'conflict', message: 'a team named "Inbound EMEA" exists' },
    });
  });

  it('updates a user by email and lists users of a team', async () => {
    const { user } = json<{ user: { receivingLeads: boolean; weight: number } }>(
      await cli(
        'users',
        'update',
        '--email',
        'ann.lee@example.com',
        '--receiving-leads',
        'false',
        '--weight',
        '3',
        '--json',
      ),
    );
    expect(user).toMatchObject({ receivingLeads: false, weight: 3 });

    const { users } = json<{ users: { email: string; teamId: string | null }[] }>(
      await cli('users', 'list', '--team', teamId, '--json'),
    );
    expect(users.map((u) => u.email)).toEqual(['ann.lee@example.com']);

    const table = await cli('users', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^EMAIL\s+NAME\s+ROLE\s+TEAM/);
    expect(table.stdout).toContain('Inbound EMEA');
  });

  it('shows a new API key once and stores only its hash', async () => {
    const created = json<{ apiKey: { id: string; name: string }; key: string }>(
      await cli('api-keys', 'create', '--name', 'Website forms', '--json'),
    );
    expect(created.key).toMatch(/^pnc_k_/);
    apiKey = { id: created.apiKey.id, key: created.key };

    const listed = await cli('api-keys', 'list', '--json');
    expect(listed.stdout).not.toContain(apiKey.key);
    expect(json<{ apiKeys: { id: string; revokedAt: string | null }[] }>(listed).apiKeys).toEqual([
      expect.objectContaining({ id: apiKey.id, name: 'Website forms', revokedAt: null }),
    ]);

    // Not in the database nor its write-ahead log; its SHA-256 is.
    for (const file of readdirSync(dataDir)) {
      expect(readFileSync(join(dataDir, file)).includes(apiKey.key), file).toBe(false);
    }
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      const row = db.prepare('SELECT key_hash FROM api_keys WHERE id = ?').get(apiKey.id) as {
        key_hash: string;
      };
      expect(row.key_hash).toBe(createHash('sha256').update(apiKey.key).digest('hex'));
    } finally {
      db.close();
    }
  });

  it('made accounts the server accepts: the user signs in, the key sends a lead', async () => {
    const server = await startTestServer({}, { dataDir });
    try {
      const login = await http('POST', `${server.url}/api/v1/auth/login`, {
        body: { email: 'ann.lee@example.com', password: 'ann-password-1' },
      });
      expect(login.status).toBe(200);
      const lead = await http('POST', `${server.url}/api/v1/leads`, {
        token: apiKey.key,
        body: { source: 'web_form', name: 'Test Lead', email: 'lead@acme-corp.com' },
      });
      expect(lead.status).toBe(201);
    } finally {
      await server.stop({ keepData: true });
    }
  });

  it('revokes an API key, and says so when there is none to revoke', async () => {
    const run = await cli('api-keys', 'revoke', '--id', apiKey.id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Revoked API key ${apiKey.id}`);

    const again = await cli('api-keys', 'revoke', '--id', apiKey.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('API key not found');
    expectNoStack(again);
  });

  it('refuses to demote or deactivate the last active admin (exit 1); with another admin it may', async () => {
    // The server started above made admin@pounce.test, the only admin.
    for (const change of [
      ['--role', 'rep'],
      ['--active', 'false'],
    ]) {
      const run = await cli('users', 'update', '--email', 'admin@pounce.test', ...change);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('admin@pounce.test is the last active admin');
      expectNoStack(run);
    }
    json(
      await cli(
        'users',
        'create',
        '--email',
        'second-admin@example.com',
        '--name',
        'Second Admin',
        '--password',
        'second-password-1',
        '--role',
        'admin',
        '--json',
      ),
    );
    const { user } = json<{ user: { role: string } }>(
      await cli('users', 'update', '--email', 'admin@pounce.test', '--role', 'rep', '--json'),
    );
    expect(user.role).toBe('rep');
    const last = await cli(
      'users',
      'update',
      '--email',
      'second-admin@example.com',
      '--active',
      'false',
    );
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('second-admin@example.com is the last active admin');
  });

  it('prints help and rejects an unknown command with exit 2', async () => {
    const help = await cli('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('users create');
    expect(help.stdout).toContain('api-keys revoke');

    const unknown = await cli('teams', 'delete');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown command "teams delete"; teams commands: create, list',
    );
  });
});
