import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/shared/ids';
import type { Mutation, PushResponse } from '../../src/shared/sync-protocol';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  login,
  postLead,
} from '../helpers/test-server';

/*
 * Exactly-once across a kill -9 of the server in the middle of pushes. The client here is the
 * protocol reduced to its rules (an outbox, consecutive ids, resend until acknowledged), so the
 * test is about the server: whatever it acknowledged or not when it died, after a restart every
 * mutation is applied once. Notes are used because nothing but the mutation id deduplicates them.
 */

const ADMIN_ENV = {
  POUNCE_ADMIN_EMAIL: 'admin@dur.test',
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

describe('sync push through a server kill -9', () => {
  it('applies every mutation exactly once after the server restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-sync-kill-'));
    const configFile = join(dataDir, 'pounce.json');
    writeFileSync(configFile, JSON.stringify({ auth: { scrypt: { N: 1024 } } }));
    const env = { ...ADMIN_ENV, POUNCE_DATA_DIR: dataDir, POUNCE_CONFIG: configFile };
    running = await spawnServer(env);
    let url = running.url;
    const adminToken = await login(
      url,
      ADMIN_ENV.POUNCE_ADMIN_EMAIL,
      ADMIN_ENV.POUNCE_ADMIN_PASSWORD,
    );
    const teamId = await createTeam({ url, adminToken }, 'Durable sync');
    const rep = await createUser(
      { url, adminToken },
      { email: 'rep@dur.test', role: 'rep', teamId },
    );
    const live = await LiveClient.connect(url, rep.token);
    const apiKey = await createApiKey({ url, adminToken });
    const leadIds: string[] = [];
    for (let i = 0; i < 5; i++)
      leadIds.push((await postLead({ url }, apiKey, hotLead())).body.lead.id);
    live.close();

    const clientId = uuidv7();
    const TOTAL = 400;
    const outbox: Mutation[] = Array.from({ length: TOTAL }, (_, i) => ({
      clientId,
      mutationId: i + 1,
      name: 'addNote',
      args: { noteId: uuidv7(), leadId: leadIds[i % leadIds.length] ?? '', text: `note ${i + 1}` },
      occurredAt: new Date().toISOString(),
    }));
    let acknowledged = 0;
    let pushes = 0;
    let failures = 0;

    // Pushes 10 at a time; each answer removes what it acknowledges; errors are retried.
    const pushAll = async (isStopped: () => boolean) => {
      while (outbox.length > 0 && !isStopped()) {
        try {
          pushes += 1;
          const res = await http<PushResponse>('POST', `${url}/api/v1/sync/push`, {
            token: rep.token,
            body: { protocolVersion: 1, clientId, mutations: outbox.slice(0, 10) },
          });
          if (res.status !== 200) throw new Error(`push answered ${res.status}`);
          while (outbox.length > 0 && (outbox[0]?.mutationId ?? 0) <= res.body.lastMutationId) {
            outbox.shift();
          }
          acknowledged = res.body.lastMutationId;
        } catch {
          failures += 1;
          // The client's own pause before a retry (a backoff), not a wait in the test.
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };

    let killed = false;
    const pushing = pushAll(() => killed);
    await eventually(() => acknowledged >= 120, { timeout: 60_000, interval: 2 });
    running.child.kill('SIGKILL');
    killed = true;
    await running.exited;
    await pushing;

    running = await spawnServer(env);
    url = running.url;
    // Sessions are in the database: the same token works after the restart.
    await pushAll(() => false);
    expect(outbox).toEqual([]);

    running.child.kill('SIGTERM');
    await running.exited;
    const db = new Database(join(dataDir, 'pounce.db'), { readonly: true });
    const notes = db.prepare("select data from lead_events where type = 'note'").all() as {
      data: string;
    }[];
    const texts = notes.map((n) => (JSON.parse(n.data) as { text: string }).text);
    const client = db
      .prepare('select last_mutation_id as last from sync_clients where client_id = ?')
      .get(clientId) as { last: number };
    db.close();
    expect(client.last).toBe(TOTAL);
    expect(texts).toHaveLength(TOTAL);
    expect(new Set(texts).size).toBe(TOTAL);
    expect(pushes).toBeGreaterThan(TOTAL / 10);
    // The push in flight when the server died failed, and was resent.
    expect(failures).toBeGreaterThan(0);
  });
});
