import { afterEach, describe, expect, it } from 'vitest';
import { http, type JsonResponse } from '../helpers/http';
import {
  createTeam,
  createUser,
  PASSWORD,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * Sign-in throttling on a real server (docs/api.md, "Sign-in throttling"): failures count per
 * (account, address) before the KDF runs, a spread-out attack on one account slows every
 * address to one failed try without locking the real user out, a per-address request limit
 * (@fastify/rate-limit) bounds one address, and X-Forwarded-For names the client only when
 * `server.trustProxy` says so.
 */

const MIN = 60_000;
let now = Date.parse('2026-12-01T09:00:00.000Z');
const clock = () => now;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(overrides: Record<string, unknown>): Promise<TestServer> {
  server = await startTestServer(overrides, { clock });
  return server;
}

function signIn(
  s: TestServer,
  email: string,
  password: string,
  from?: string,
): Promise<JsonResponse> {
  return http('POST', `${s.url}/api/v1/auth/login`, {
    body: { email, password },
    ...(from !== undefined && { headers: { 'x-forwarded-for': from } }),
  });
}

function statuses(responses: readonly JsonResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('sign-in throttling', () => {
  it('50 parallel wrong passwords for one account: at most the limit get 401, the rest 429 with Retry-After', async () => {
    // A KDF that takes a while, as in production: the guesses are in flight together.
    const s = await start({
      auth: {
        scrypt: { N: 2 ** 14 },
        loginLimit: { perAddress: { max: 1000, windowSeconds: 900 } },
      },
    });
    const teamId = await createTeam(s, 'Burst');
    await createUser(s, { email: 'burst@throttle.test', role: 'rep', teamId });

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signIn(s, 'burst@throttle.test', `wrong-guess-${i}`)),
    );

    const counts = statuses(answers);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(50);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(10);
    for (const limited of answers.filter((r) => r.status === 429)) {
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    }
    // The right password from the same address waits too, until the window ends.
    expect((await signIn(s, 'burst@throttle.test', PASSWORD)).status).toBe(429);
    now += 15 * MIN;
    expect((await signIn(s, 'burst@throttle.test', PASSWORD)).status).toBe(200);
  });

  it('a correct password from a new address signs in while another address sprays the account (trustProxy)', async () => {
    const s = await start({
      server: { trustProxy: ['loopback'] },
      auth: { loginLimit: { perAccountAndAddress: { max: 3, windowSeconds: 900 } } },
    });
    const teamId = await createTeam(s, 'Spray');
    await createUser(s, { email: 'sprayed@throttle.test', role: 'rep', teamId });

    for (let i = 0; i < 3; i++) {
      expect(
        (await signIn(s, 'sprayed@throttle.test', `guess-${i}-xx`, '203.0.113.9')).status,
      ).toBe(401);
    }
    // The spraying address is stopped, even with the right password...
    const stopped = await signIn(s, 'sprayed@throttle.test', PASSWORD, '203.0.113.9');
    expect(stopped.status).toBe(429);
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...the real user, at their own address, is not.
    expect((await signIn(s, 'sprayed@throttle.test', PASSWORD, '198.51.100.7')).status).toBe(200);
    // The address behind the proxy is what counts: the proxy's own is not throttled either.
    expect((await signIn(s, 'sprayed@throttle.test', PASSWORD)).status).toBe(200);
  });

  it('without trustProxy, X-Forwarded-For is ignored: a forged address does not escape the limit', async () => {
    const s = await start({
      auth: { loginLimit: { perAccountAndAddress: { max: 3, windowSeconds: 900 } } },
    });
    const teamId = await createTeam(s, 'Direct');
    await createUser(s, { email: 'direct@throttle.test', role: 'rep', teamId });
    for (let i = 0; i < 3; i++) {
      await signIn(s, 'direct@throttle.test', `guess-${i}-xx`, `203.0.113.${i + 1}`);
    }
    expect((await signIn(s, 'direct@throttle.test', PASSWORD, '198.51.100.7')).status).toBe(429);
  });

  it('guesses spread over many addresses slow every address to one failed try, never locking out the right password', async () => {
    const s = await start({
      server: { trustProxy: true },
      auth: {
        loginLimit: {
          perAccountAndAddress: { max: 3, windowSeconds: 900 },
          perAccount: { max: 6, windowSeconds: 900 },
        },
      },
    });
    const teamId = await createTeam(s, 'Botnet');
    await createUser(s, { email: 'target@throttle.test', role: 'rep', teamId });
    for (const bot of ['203.0.113.1', '203.0.113.2']) {
      for (let i = 0; i < 3; i++) {
        expect((await signIn(s, 'target@throttle.test', `guess-${i}-xx`, bot)).status).toBe(401);
      }
    }
    // Six failures: the account is under attack. A fresh address still gets its try...
    expect((await signIn(s, 'target@throttle.test', PASSWORD, '198.51.100.7')).status).toBe(200);
    // ...but only one failed try: the next guess from a new bot waits out the window.
    expect((await signIn(s, 'target@throttle.test', 'guess-x-xx', '203.0.113.3')).status).toBe(401);
    expect((await signIn(s, 'target@throttle.test', 'guess-y-xx', '203.0.113.3')).status).toBe(429);
    // An unknown account is throttled the same way (no hint which accounts exist).
    for (let i = 0; i < 3; i++)
      await signIn(s, 'nobody@throttle.test', `g-${i}-xxxxx`, '203.0.113.4');
    expect((await signIn(s, 'nobody@throttle.test', 'g-3-xxxxx', '203.0.113.4')).status).toBe(429);
    now += 15 * MIN;
    expect((await signIn(s, 'target@throttle.test', 'guess-z-xx', '203.0.113.3')).status).toBe(401);
  });

  it('caps sign-in requests per address (successful ones too) with 429, Retry-After and the error shape', async () => {
    const s = await start({
      server: { trustProxy: true },
      auth: { loginLimit: { perAddress: { max: 4, windowSeconds: 600 } } },
    });
    const teamId = await createTeam(s, 'Cap');
    await createUser(s, { email: 'cap@throttle.test', role: 'rep', teamId });
    for (let i = 0; i < 4; i++) {
      expect((await signIn(s, 'cap@throttle.test', PASSWORD, '192.0.2.10')).status).toBe(200);
    }
    const capped = await signIn(s, 'cap@throttle.test', PASSWORD, '192.0.2.10');
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(capped.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(capped.body).toHaveProperty(
      'error.details.retryAfterSeconds',
      Number(capped.headers.get('retry-after')),
    );
    // Another address is not affected; other routes are not limited.
    expect((await signIn(s, 'cap@throttle.test', PASSWORD, '192.0.2.11')).status).toBe(200);
    for (let i = 0; i < 6; i++) {
      expect((await http('GET', `${s.url}/api/v1/me`, { token: s.adminToken })).status).toBe(200);
    }
  });
});
