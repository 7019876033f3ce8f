import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import {
  createApiKey,
  createTeam,
  createUser,
  login,
  PASSWORD,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

let s: TestServer;
let teamId: string;
let rep: TestUser;
let teamLead: TestUser;
let apiKey: string;

beforeAll(async () => {
  s = await startTestServer({
    auth: { loginLimit: { perAccountAndAddress: { max: 3, windowSeconds: 60 } } },
  });
  teamId = await createTeam(s, 'Alpha');
  rep = await createUser(s, { email: 'rep@alpha.test', role: 'rep', teamId });
  teamLead = await createUser(s, { email: 'lead@alpha.test', role: 'lead', teamId });
  apiKey = await createApiKey(s);
});
afterAll(() => s.stop());

describe('GET /healthz', () => {
  it('answers 200 without credentials', async () => {
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});

describe('auth', () => {
  it('POST /auth/login: 401 for a wrong password or an unknown account, 200 with a token otherwise', async () => {
    expect(
      (
        await http('POST', `${s.url}/api/v1/auth/login`, {
          body: { email: 'rep@alpha.test', password: 'wrong-password' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await http('POST', `${s.url}/api/v1/auth/login`, {
          body: { email: 'nobody@alpha.test', password: 'whatever-123' },
        })
      ).status,
    ).toBe(401);
    const ok = await http<{ token: string; user: Record<string, unknown> }>(
      'POST',
      `${s.url}/api/v1/auth/login`,
      {
        body: { email: 'REP@alpha.test', password: PASSWORD },
      },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^pnc_s_/);
    expect(ok.body.user).toMatchObject({
      id: rep.id,
      email: 'rep@alpha.test',
      role: 'rep',
      teamId,
    });
    expect(ok.body.user).not.toHaveProperty('password_hash');
  });

  it('rate-limits failed sign-ins per account and address with 429 and Retry-After', async () => {
    await createUser(s, { email: 'target@alpha.test', role: 'rep', teamId });
    for (let i = 0; i < 3; i++) {
      await http('POST', `${s.url}/api/v1/auth/login`, {
        body: { email: 'target@alpha.test', password: `guess-${i}-xxxx` },
      });
    }
    const limited = await http('POST', `${s.url}/api/v1/auth/login`, {
      body: { email: 'target@alpha.test', password: PASSWORD },
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('GET /me: 401 without or with a bad token, the user otherwise', async () => {
    expect((await http('GET', `${s.url}/api/v1/me`)).status).toBe(401);
    expect((await http('GET', `${s.url}/api/v1/me`, { token: 'pnc_s_forged' })).status).toBe(401);
    expect((await http('GET', `${s.url}/api/v1/me`, { token: apiKey })).status).toBe(401);
    const me = await http<{ user: { id: string } }>('GET', `${s.url}/api/v1/me`, {
      token: rep.token,
    });
    expect(me.body.user.id).toBe(rep.id);
  });

  it('POST /auth/logout: 401 without a token; 204 revokes the token and closes its live sockets', async () => {
    expect((await http('POST', `${s.url}/api/v1/auth/logout`)).status).toBe(401);
    const token = await login(s.url, 'rep@alpha.test', PASSWORD);
    const live = await LiveClient.connect(s.url, token);
    expect((await http('POST', `${s.url}/api/v1/auth/logout`, { token })).status).toBe(204);
    expect((await live.closed).code).toBe(4001);
    expect((await http('GET', `${s.url}/api/v1/me`, { token })).status).toBe(401);
    // Other sessions of the same user are untouched.
    expect((await http('GET', `${s.url}/api/v1/me`, { token: rep.token })).status).toBe(200);
  });

  it('stores passwords with scrypt and tokens and API keys only as hashes', async () => {
    const token = await login(s.url, 'rep@alpha.test', PASSWORD);
    const db = new Database(join(s.dataDir, 'pounce.db'), { readonly: true });
    try {
      const user = db.prepare('select password_hash from users where id = ?').get(rep.id) as {
        password_hash: string;
      };
      expect(user.password_hash).toMatch(/^scrypt\$/);
      expect(user.password_hash).not.toContain(PASSWORD);
      const dump = JSON.stringify([
        db.prepare('select * from sessions').all(),
        db.prepare('select * from api_keys').all(),
      ]);
      expect(dump).toContain(createHash('sha256').update(token).digest('hex'));
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(apiKey);
    } finally {
      db.close();
    }
  });
});

describe('admin endpoints: 401 without a token, 403 for reps and team leads', () => {
  const cases: [string, string, unknown][] = [
    ['POST', '/api/v1/teams', { name: 'X' }],
    [
      'POST',
      '/api/v1/users',
      { email: 'x@y.io', name: 'X', password: 'long-enough-1', role: 'rep' },
    ],
    ['PATCH', '/api/v1/users/some-id', { name: 'X' }],
    ['POST', '/api/v1/api-keys', { name: 'X' }],
    ['DELETE', '/api/v1/api-keys/some-id', undefined],
    ['GET', '/api/v1/api-keys', undefined],
  ];
  it.each(cases)('%s %s', async (method, path, body) => {
    expect((await http(method, `${s.url}${path}`, { body })).status).toBe(401);
    expect((await http(method, `${s.url}${path}`, { body, token: apiKey })).status).toBe(401);
    expect((await http(method, `${s.url}${path}`, { body, token: rep.token })).status).toBe(403);
    expect((await http(method, `${s.url}${path}`, { body, token: teamLead.token })).status).toBe(
      403,
    );
  });
});

describe('read endpoints for team leads: 401 without a token, 403 for reps', () => {
  it.each(['/api/v1/teams', '/api/v1/users'])('GET %s', async (path) => {
    expect((await http('GET', `${s.url}${path}`)).status).toBe(401);
    expect((await http('GET', `${s.url}${path}`, { token: apiKey })).status).toBe(401);
    expect((await http('GET', `${s.url}${path}`, { token: rep.token })).status).toBe(403);
    expect((await http('GET', `${s.url}${path}`, { token: teamLead.token })).status).toBe(200);
  });

  it('PATCH /me: 401 without a token', async () => {
    expect(
      (await http('PATCH', `${s.url}/api/v1/me`, { body: { receivingLeads: false } })).status,
    ).toBe(401);
  });
});

describe('teams, users, API keys', () => {
  it('POST /teams creates a team; a duplicate name is 409', async () => {
    const res = await http<{ team: { id: string; name: string } }>(
      'POST',
      `${s.url}/api/v1/teams`,
      { token: s.adminToken, body: { name: 'Beta' } },
    );
    expect(res.status).toBe(201);
    expect(res.body.team).toMatchObject({ name: 'Beta' });
    expect(
      (await http('POST', `${s.url}/api/v1/teams`, { token: s.adminToken, body: { name: 'Beta' } }))
        .status,
    ).toBe(409);
  });

  it('POST /users: 201, 409 when the email exists (any case), 422 naming bad fields', async () => {
    const body = {
      email: 'new@alpha.test',
      name: 'New Rep',
      password: 'long-enough-1',
      role: 'rep',
      teamId,
      weight: 3,
      capacity: 40,
    };
    const created = await http<{ user: Record<string, unknown> }>('POST', `${s.url}/api/v1/users`, {
      token: s.adminToken,
      body,
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({
      email: 'new@alpha.test',
      weight: 3,
      capacity: 40,
      active: true,
      receivingLeads: true,
    });
    const dup = await http('POST', `${s.url}/api/v1/users`, {
      token: s.adminToken,
      body: { ...body, email: 'NEW@alpha.test' },
    });
    expect(dup.status).toBe(409);
    const bad = await http<{ error: { details: { fields: { field: string }[] } } }>(
      'POST',
      `${s.url}/api/v1/users`,
      {
        token: s.adminToken,
        body: { email: 'nope', name: '', password: 'short', role: 'boss', weight: 0 },
      },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f) => f.field).sort()).toEqual([
      'email',
      'name',
      'password',
      'role',
      'weight',
    ]);
    const noTeam = await http('POST', `${s.url}/api/v1/users`, {
      token: s.adminToken,
      body: { ...body, email: 'z@alpha.test', teamId: 'missing' },
    });
    expect(noTeam.status).toBe(422);
  });

  it('PATCH /users/:id updates, 404 for an unknown user, and deactivation ends sessions', async () => {
    const u = await createUser(s, { email: 'patch@alpha.test', role: 'rep', teamId });
    const res = await http<{ user: Record<string, unknown> }>(
      'PATCH',
      `${s.url}/api/v1/users/${u.id}`,
      {
        token: s.adminToken,
        body: { weight: 5, receivingLeads: false },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ weight: 5, receivingLeads: false });
    expect(
      (
        await http('PATCH', `${s.url}/api/v1/users/unknown`, {
          token: s.adminToken,
          body: { weight: 2 },
        })
      ).status,
    ).toBe(404);
    expect(
      (await http('PATCH', `${s.url}/api/v1/users/${u.id}`, { token: s.adminToken, body: {} }))
        .status,
    ).toBe(422);
    await http('PATCH', `${s.url}/api/v1/users/${u.id}`, {
      token: s.adminToken,
      body: { active: false },
    });
    expect((await http('GET', `${s.url}/api/v1/me`, { token: u.token })).status).toBe(401);
    expect(
      (
        await http('POST', `${s.url}/api/v1/auth/login`, {
          body: { email: u.email, password: PASSWORD },
        })
      ).status,
    ).toBe(401);
  });

  it('PATCH /me lets a rep switch receiving leads, and nothing else', async () => {
    const res = await http<{ user: { receivingLeads: boolean } }>('PATCH', `${s.url}/api/v1/me`, {
      token: rep.token,
      body: { receivingLeads: false },
    });
    expect(res.body.user.receivingLeads).toBe(false);
    expect(
      (await http('PATCH', `${s.url}/api/v1/me`, { token: rep.token, body: { role: 'admin' } }))
        .status,
    ).toBe(422);
    await http('PATCH', `${s.url}/api/v1/me`, { token: rep.token, body: { receivingLeads: true } });
  });

  it('API keys: shown once, revoked with DELETE, then refused by intake; unknown id 404', async () => {
    const created = await http<{ apiKey: { id: string; name: string }; key: string }>(
      'POST',
      `${s.url}/api/v1/api-keys`,
      {
        token: s.adminToken,
        body: { name: 'Website' },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pnc_k_/);
    const list = await http<{ apiKeys: Record<string, unknown>[] }>(
      'GET',
      `${s.url}/api/v1/api-keys`,
      { token: s.adminToken },
    );
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const lead = { source: 'web', name: 'A', email: 'a@acme.io' };
    expect(
      (await http('POST', `${s.url}/api/v1/leads`, { token: created.body.key, body: lead })).status,
    ).toBe(201);
    expect(
      (
        await http('DELETE', `${s.url}/api/v1/api-keys/${created.body.apiKey.id}`, {
          token: s.adminToken,
        })
      ).status,
    ).toBe(204);
    expect(
      (await http('POST', `${s.url}/api/v1/leads`, { token: created.body.key, body: lead })).status,
    ).toBe(401);
    expect(
      (
        await http('DELETE', `${s.url}/api/v1/api-keys/${created.body.apiKey.id}`, {
          token: s.adminToken,
        })
      ).status,
    ).toBe(404);
  });

  it('PATCH /users/:id: the last active admin cannot be demoted or deactivated (409)', async () => {
    const me = await http<{ user: { id: string } }>('GET', `${s.url}/api/v1/me`, {
      token: s.adminToken,
    });
    const adminId = me.body.user.id;
    for (const body of [{ role: 'lead' }, { role: 'rep', teamId }, { active: false }]) {
      const refused = await http('PATCH', `${s.url}/api/v1/users/${adminId}`, {
        token: s.adminToken,
        body,
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        error: { code: 'conflict', details: { reason: 'last_admin' } },
      });
    }
    // Nothing was written: still an active admin, still signed in.
    const still = await http<{ user: Record<string, unknown> }>('GET', `${s.url}/api/v1/me`, {
      token: s.adminToken,
    });
    expect(still.body.user).toMatchObject({ role: 'admin', active: true, teamId: null });

    // With a second active admin, one of the two may go; an inactive admin does not count.
    const second = await createUser(s, { email: 'second-admin@alpha.test', role: 'admin' });
    const third = await createUser(s, { email: 'third-admin@alpha.test', role: 'admin' });
    expect(
      (
        await http('PATCH', `${s.url}/api/v1/users/${third.id}`, {
          token: s.adminToken,
          body: { active: false },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await http('PATCH', `${s.url}/api/v1/users/${second.id}`, {
          token: s.adminToken,
          body: { role: 'rep', teamId },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await http('PATCH', `${s.url}/api/v1/users/${adminId}`, {
          token: s.adminToken,
          body: { role: 'rep' },
        })
      ).status,
    ).toBe(409);
  });

  it('GET /users and /teams: a team lead sees their own team only; a rep is refused', async () => {
    const users = await http<{ users: { teamId: string | null }[] }>(
      'GET',
      `${s.url}/api/v1/users`,
      { token: teamLead.token },
    );
    expect(users.status).toBe(200);
    expect(users.body.users.every((u) => u.teamId === teamId)).toBe(true);
    const teams = await http<{ teams: { id: string }[] }>('GET', `${s.url}/api/v1/teams`, {
      token: teamLead.token,
    });
    expect(teams.body.teams.map((t) => t.id)).toEqual([teamId]);
    expect((await http('GET', `${s.url}/api/v1/users`, { token: rep.token })).status).toBe(403);
  });
});
