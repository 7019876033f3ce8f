import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashParams, hashPassword, verifyPassword } from '../../sync-server/src/auth/password';
import { http } from '../helpers/http';
import { PASSWORD, startTestServer, type TestServer } from '../helpers/test-server';

/*
 * scrypt at its production cost (N=2^17, r=8, p=1, the config's default), and a hash made with
 * the old default (N=2^15) brought up to it at the next sign-in. The only test server here with
 * the real cost: each hash takes a few hundred ms.
 */

const OLD = { N: 2 ** 15, r: 8, p: 1 };
const CURRENT = { N: 2 ** 17, r: 8, p: 1 };

let s: TestServer;
let userId: string;

beforeAll(async () => {
  s = await startTestServer({ auth: { scrypt: CURRENT } });
  const created = await http<{ user: { id: string } }>('POST', `${s.url}/api/v1/users`, {
    token: s.adminToken,
    body: { email: 'old@rehash.test', name: 'Old Hash', password: PASSWORD, role: 'rep' },
  });
  expect(created.status).toBe(201);
  userId = created.body.user.id;
}, 120_000);
afterAll(() => s.stop());

function storedHash(): string {
  const db = new Database(join(s.dataDir, 'pounce.db'), { readonly: true });
  try {
    const row = db.prepare('select password_hash from users where id = ?').get(userId) as {
      password_hash: string;
    };
    return row.password_hash;
  } finally {
    db.close();
  }
}

function signIn(password: string) {
  return http<{ token: string }>('POST', `${s.url}/api/v1/auth/login`, {
    body: { email: 'old@rehash.test', password },
  });
}

describe('password hashes', () => {
  it('are made with N=2^17, r=8, p=1 and carry their parameters', () => {
    expect(hashParams(storedHash())).toEqual(CURRENT);
  });

  it('an old N=2^15 hash is replaced at the next sign-in, and the new one verifies', async () => {
    const old = await hashPassword(PASSWORD, OLD);
    const db = new Database(join(s.dataDir, 'pounce.db'));
    db.prepare('update users set password_hash = ? where id = ?').run(old, userId);
    db.close();

    // A wrong password changes nothing.
    expect((await signIn('not-the-password')).status).toBe(401);
    expect(storedHash()).toBe(old);

    const signedIn = await signIn(PASSWORD);
    expect(signedIn.status).toBe(200);
    const rehashed = storedHash();
    expect(rehashed).not.toBe(old);
    expect(hashParams(rehashed)).toEqual(CURRENT);
    expect(await verifyPassword(PASSWORD, rehashed)).toBe(true);
    // The session it opened is good, and the next sign-in keeps the (current) hash.
    expect((await http('GET', `${s.url}/api/v1/me`, { token: signedIn.body.token })).status).toBe(
      200,
    );
    expect((await signIn(PASSWORD)).status).toBe(200);
    expect(storedHash()).toBe(rehashed);
  }, 120_000);
});
