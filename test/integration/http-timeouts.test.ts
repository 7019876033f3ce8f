import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
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
 * Slow-loris on a real server over raw TCP: headers or a body trickled in, or nothing sent at
 * all, and the server closes the connection (408) at the configured deadline, lowered here to
 * fractions of a second (config `server.timeouts`). Normal requests, a slow request that keeps
 * within its deadline, and idle live WebSockets are not affected.
 */

const TIMEOUTS = {
  headersSeconds: 0.5,
  requestSeconds: 1.5,
  idleSeconds: 1,
  keepAliveSeconds: 0.5,
  checkIntervalMs: 50,
};

let s: TestServer;
let apiKey: string;
let rep: TestUser;

beforeAll(async () => {
  s = await startTestServer({ server: { timeouts: TIMEOUTS } });
  const teamId = await createTeam(s, 'Timeouts');
  rep = await createUser(s, { email: 'rep@timeouts.test', role: 'rep', teamId });
  apiKey = await createApiKey(s);
});
afterAll(async () => {
  await s.stop();
});

interface Ended {
  /** What the server wrote before it closed the connection. */
  readonly received: string;
  /** Writes the client still managed before the close. */
  readonly writes: number;
}

/** Opens a raw connection, writes `first`, then one piece every `everyMs` until it is closed. */
function trickle(first: string, piece: () => string, everyMs: number): Promise<Ended> {
  const url = new URL(s.url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(url.port), url.hostname);
    let received = '';
    let writes = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // a reset is a close too
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ received, writes });
    });
    socket.once('connect', () => {
      if (first !== '') socket.write(first);
      if (everyMs <= 0) return;
      timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return;
        writes += 1;
        socket.write(piece());
      }, everyMs);
    });
    // The test's own guard: without server timeouts the connection would stay open for minutes.
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept the connection open; it answered: ${received}`));
    }, 15_000).unref();
  });
}

async function countLeads(): Promise<number> {
  const res = await http<{ leads: unknown[] }>('GET', `${s.url}/api/v1/leads?limit=200`, {
    token: s.adminToken,
  });
  return res.body.leads.length;
}

describe('HTTP timeouts (slow-loris)', () => {
  it('headers trickled in a line at a time: 408 and closed at the header deadline', async () => {
    let n = 0;
    const ended = await trickle(
      `POST /api/v1/leads HTTP/1.1\r\nHost: pounce.test\r\n`,
      () => `X-Slow-${n++}: still coming\r\n`,
      100,
    );
    expect(ended.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ended.received).toContain('"code":"request_timeout"');
    // It kept writing (so the connection was never idle): the header deadline closed it.
    expect(ended.writes).toBeGreaterThan(0);
  });

  it('a body trickled a byte at a time: 408, closed at the request deadline, nothing written', async () => {
    const before = await countLeads();
    const body = JSON.stringify(hotLead());
    let sent = 0;
    const ended = await trickle(
      [
        'POST /api/v1/leads HTTP/1.1',
        'Host: pounce.test',
        `Authorization: Bearer ${apiKey}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        '',
      ].join('\r\n'),
      () => body.slice(sent, ++sent),
      100,
    );
    expect(ended.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ended.received).toContain('"code":"request_timeout"');
    expect(sent).toBeLessThan(body.length);
    expect(await countLeads()).toBe(before);
  });

  it('a connection that sends nothing is closed', async () => {
    const ended = await trickle('', () => '', 0);
    expect(ended.writes).toBe(0);
  });

  it('normal and slow-but-in-time requests and idle live sockets are not affected', async () => {
    const live = await LiveClient.connect(s.url, rep.token);
    try {
      // A body sent in three pieces, well within the request deadline, is taken in.
      const body = JSON.stringify(hotLead());
      const thirds = [0, 1, 2].map((i) =>
        body.slice((i * body.length) / 3, ((i + 1) * body.length) / 3),
      );
      let piece = 1;
      const slow = await trickle(
        [
          'POST /api/v1/leads HTTP/1.1',
          'Host: pounce.test',
          `Authorization: Bearer ${apiKey}`,
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
          'Connection: close',
          '',
          thirds[0],
        ].join('\r\n'),
        () => thirds[piece++] ?? '',
        100,
      );
      expect(slow.received).toMatch(/^HTTP\/1\.1 201 /);

      // Meanwhile the live socket sent nothing for longer than every deadline above (the slow
      // requests of the tests before took seconds): it is still open, and answers. This wait is
      // the thing under test (an idle socket outlives the request deadline), not a wait for an
      // event, so it stays a stretch of real time.
      await new Promise((resolve) => setTimeout(resolve, TIMEOUTS.requestSeconds * 1000 + 500));
      live.socket.send(JSON.stringify({ type: 'ping', id: 'still-there' }));
      await live.next((m) => m.type === 'pong' && m.id === 'still-there');
      expect((await postLead(s, apiKey, hotLead())).status).toBe(201);
    } finally {
      live.close();
    }
  });
});
