import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import { createTeam, createUser, startTestServer, type TestServer } from '../helpers/test-server';

let s: TestServer;
let teamId: string;

beforeAll(async () => {
  s = await startTestServer({ live: { heartbeatSeconds: 0.1 } });
  teamId = await createTeam(s, 'Beat');
});
afterAll(() => s.stop());

async function onlineCount(): Promise<number> {
  return (await http<{ online: number }>('GET', `${s.url}/healthz`)).body.online;
}

describe('live heartbeats', () => {
  it('drops a connection that stops answering pings, and the rep goes offline', async () => {
    const rep = await createUser(s, { email: 'quiet@beat.test', role: 'rep', teamId });
    const client = await LiveClient.connect(s.url, rep.token);
    expect(await onlineCount()).toBe(1);
    // A frozen client: the socket stays open but nothing is read, so no pong is sent.
    client.socket.pause();
    await eventually(async () => (await onlineCount()) === 0, { timeout: 5000 });
    client.socket.terminate();
  });

  it('closes the socket when its session was revoked elsewhere (another instance or the CLI)', async () => {
    const rep = await createUser(s, { email: 'revoked@beat.test', role: 'rep', teamId });
    const client = await LiveClient.connect(s.url, rep.token);
    const db = new Database(join(s.dataDir, 'pounce.db'));
    db.prepare('update sessions set revoked_at = ? where user_id = ?').run(Date.now(), rep.id);
    db.close();
    expect((await client.closed).code).toBe(4001);
  });
});
