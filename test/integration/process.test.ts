import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import {
  runServerExpectingFailure,
  spawnServer,
  type ServerProcess,
} from '../helpers/server-process';
import { createApiKey, createTeam, hotLead, login, postLead } from '../helpers/test-server';

const ADMIN_ENV = {
  POUNCE_ADMIN_EMAIL: 'admin@proc.test',
  POUNCE_ADMIN_PASSWORD: 'admin-password-1',
};
let running: ServerProcess | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

function fastConfig(dir: string): string {
  const file = join(dir, 'pounce.json');
  writeFileSync(file, JSON.stringify({ auth: { scrypt: { N: 1024 } } }));
  return file;
}

describe('the server process', () => {
  it('keeps every lead it answered 2xx for through a kill -9 in the middle of a burst', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-kill-'));
    const env = { ...ADMIN_ENV, POUNCE_DATA_DIR: dataDir, POUNCE_CONFIG: fastConfig(dataDir) };
    running = await spawnServer(env);
    const url = running.url;
    const adminToken = await login(
      url,
      ADMIN_ENV.POUNCE_ADMIN_EMAIL,
      ADMIN_ENV.POUNCE_ADMIN_PASSWORD,
    );
    await createTeam({ url, adminToken }, 'Durable');
    const apiKey = await createApiKey({ url, adminToken });

    const acknowledged: string[] = [];
    let stop = false;
    const workers = Array.from({ length: 16 }, async () => {
      while (!stop) {
        try {
          const res = await postLead({ url }, apiKey, hotLead());
          if (res.status === 201) acknowledged.push(res.body.lead.id);
        } catch {
          return; // the connection died with the server
        }
      }
    });
    await eventually(() => acknowledged.length >= 300, { timeout: 60_000, interval: 5 });
    running.child.kill('SIGKILL');
    stop = true;
    await running.exited;
    await Promise.all(workers);

    const db = new Database(join(dataDir, 'pounce.db'));
    const stored = new Set(
      (db.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id),
    );
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(lost).toEqual([]);

    // And the server starts again on that file.
    running = await spawnServer(env);
    const res = await http<{ leads: unknown[] }>('GET', `${running.url}/api/v1/leads?limit=1`, {
      token: await login(
        running.url,
        ADMIN_ENV.POUNCE_ADMIN_EMAIL,
        ADMIN_ENV.POUNCE_ADMIN_PASSWORD,
      ),
    });
    expect(res.status).toBe(200);
  });

  it('finishes in-flight requests on SIGTERM, then exits 0 with the database closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-term-'));
    running = await spawnServer({
      ...ADMIN_ENV,
      POUNCE_DATA_DIR: dataDir,
      POUNCE_CONFIG: fastConfig(dataDir),
    });
    const url = running.url;
    const adminToken = await login(
      url,
      ADMIN_ENV.POUNCE_ADMIN_EMAIL,
      ADMIN_ENV.POUNCE_ADMIN_PASSWORD,
    );
    await createTeam({ url, adminToken }, 'Graceful');
    const apiKey = await createApiKey({ url, adminToken });
    const inFlight = Array.from({ length: 20 }, () =>
      postLead({ url }, apiKey, hotLead()).catch(() => null),
    );
    running.child.kill('SIGTERM');
    const answered = (await Promise.all(inFlight)).filter((r) => r !== null);
    expect(await running.exited).toBe(0);
    expect(running.output.some((l) => l.includes('"event":"stopped"'))).toBe(true);
    // Whatever was answered 2xx is stored; the WAL was checkpointed on close.
    const db = new Database(join(dataDir, 'pounce.db'), { readonly: true });
    const stored = new Set(
      (db.prepare('select id from leads').all() as { id: string }[]).map((r) => r.id),
    );
    db.close();
    for (const r of answered) if (r.status === 201) expect(stored.has(r.body.lead.id)).toBe(true);
  });

  it('refuses to start on a bad config key, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-badcfg-'));
    const file = join(dir, 'pounce.json');
    writeFileSync(file, JSON.stringify({ scoring: { tiers: { hot: 'very' } }, routng: {} }));
    const { code, output } = await runServerExpectingFailure({ POUNCE_DATA_DIR: dir }, [
      '--config',
      file,
    ]);
    expect(code).toBe(1);
    expect(output).toContain('scoring.tiers.hot');
    expect(output).toContain('routng');
  });

  it('refuses a weak bootstrap admin password with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-badadmin-'));
    const { code, output } = await runServerExpectingFailure({
      POUNCE_DATA_DIR: dir,
      POUNCE_ADMIN_EMAIL: 'a@b.co',
      POUNCE_ADMIN_PASSWORD: 'short',
    });
    expect(code).toBe(1);
    expect(output).toContain('password');
  });
});
