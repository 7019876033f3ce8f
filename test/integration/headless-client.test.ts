import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports';
import { HeadlessClient } from '../helpers/headless-client';
import {
  notificationBusUnavailable,
  startNotificationBus,
  type NotificationBus,
} from '../helpers/notification-bus';
import {
  createApiKey,
  createTeam,
  createUser,
  hotLead,
  PASSWORD,
  postLead,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/* The headless client as its own process: killed with -9, and notifying over a real D-Bus. */

let server: TestServer | undefined;
const clients: HeadlessClient[] = [];
let bus: NotificationBus | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) await c.kill();
  await server?.stop();
  server = undefined;
  await bus?.close();
  bus = undefined;
});

describe('headless client process', () => {
  it('signs in over http:// only to this computer or a private network, and only when told to', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-headless-'));
    const refused = async (server: string, allowInsecureHttp: boolean) => {
      const c = HeadlessClient.start({
        server,
        email: 'ana@pounce.test',
        password: PASSWORD,
        dataDir,
        allowInsecureHttp,
      });
      clients.push(c);
      const line = await c.next((l) => l.event === 'usage.error' || l.event === 'signed.in');
      expect(line.event).toBe('usage.error');
      return String(line.message);
    };
    // A public address over http:// is refused even with the yes; nothing is sent to it.
    expect(await refused('http://8.8.8.8:8787', true)).toMatch(
      /^server: http:\/\/ is allowed only/,
    );
    // This computer needs the yes.
    expect(await refused('http://127.0.0.1:9', false)).toMatch(/--allow-insecure-http/);
    expect(await refused('http://user:pw@127.0.0.1:9', true)).toMatch(/user name or password/);
  });

  it('kill -9 between the local commit and the push ack: the outcome reaches the server once', async () => {
    const port = await freePort();
    const serverDir = mkdtempSync(join(tmpdir(), 'pounce-hl-srv-'));
    server = await startTestServer({ server: { port } }, { dataDir: serverDir });
    const team = await createTeam(server, 'Headless');
    const rep = await createUser(server, { email: 'rep@headless.test', role: 'rep', teamId: team });
    const apiKey = await createApiKey(server);
    const dataDir = mkdtempSync(join(tmpdir(), 'pounce-hl-client-'));
    const args = { server: server.url, email: rep.email, password: PASSWORD, dataDir };

    const first = HeadlessClient.start(args);
    clients.push(first);
    await first.next((l) => l.event === 'synced');
    const lead = (await postLead(server, apiKey, hotLead())).body.lead;
    await first.next((l) => l.event === 'lead.assigned');

    // The server goes away, so no push can be acknowledged; the client commits locally.
    await server.stop({ keepData: true });
    server = undefined;
    first.send({ type: 'logOutcome', leadId: lead.id, disposition: 'no_answer', note: 'rang out' });
    await first.next((l) => l.event === 'command.done');
    await first.kill('SIGKILL');

    server = await startTestServer({ server: { port } }, { dataDir: serverDir });
    const second = HeadlessClient.start(args);
    clients.push(second);
    await second.next((l) => l.event === 'outcome.acked');
    // And once more, as if the ack had been lost: a third start has nothing left to send.
    await second.kill('SIGKILL');
    const third = HeadlessClient.start(args);
    clients.push(third);
    await third.next((l) => l.event === 'synced');

    const db = new Database(join(serverDir, 'pounce.db'), { readonly: true });
    const rows = db.prepare('select note from outcomes where lead_id = ?').all(lead.id);
    const attempts = db.prepare('select attempts from leads where id = ?').get(lead.id);
    db.close();
    expect(rows).toEqual([{ note: 'rang out' }]);
    expect(attempts).toEqual({ attempts: 1 });
  });

  const unavailable = notificationBusUnavailable();
  it.skipIf(unavailable !== null)(
    `a new lead makes a real Notify call on the session bus ${unavailable ?? ''}`,
    async () => {
      bus = await startNotificationBus();
      server = await startTestServer();
      const team = await createTeam(server, 'Toasts');
      const rep = await createUser(server, { email: 'rep@toast.test', role: 'rep', teamId: team });
      const client = HeadlessClient.start(
        {
          server: server.url,
          email: rep.email,
          password: PASSWORD,
          dataDir: mkdtempSync(join(tmpdir(), 'pounce-hl-toast-')),
          notifier: 'node-notifier',
        },
        bus.env,
      );
      clients.push(client);
      await client.next((l) => l.event === 'synced');
      await postLead(
        server,
        await createApiKey(server),
        hotLead({ name: 'Grace Hopper', company: 'COBOL Ltd' }),
      );
      await client.next((l) => l.event === 'notified');
      const toast = await bus.next((n) => n.summary.includes('Grace Hopper'));
      expect(toast.summary).toBe('Hot lead: Grace Hopper');
      expect(toast.body).toContain('COBOL Ltd');
    },
  );
});
