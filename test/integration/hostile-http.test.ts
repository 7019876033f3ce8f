import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSnapshot } from '../helpers/db-snapshot';
import { http } from '../helpers/http';
import { rawHttp } from '../helpers/raw-http';
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
 * The hostile-input table for every HTTP endpoint that takes a body, a query or path params
 * (issue 12, "Also"): what an attacker or a careless integrator sends, and what the server must
 * answer. Each endpoint's rows begin with its 401/403. Each row checks: the status (never a
 * 500), the error shape `{error:{code,message,details}}` naming the field at fault, that not one
 * row of the database changed, and that the server still answers afterwards.
 *
 * Lead intake bodies are in malformed.test.ts, sync pushes in sync-malformed.test.ts, sources
 * and their webhooks in hostile-sources.test.ts, the live socket in hostile-live.test.ts.
 */

let s: TestServer;
let boardDir: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

beforeAll(async () => {
  boardDir = mkdtempSync(join(tmpdir(), 'pounce-hostile-board-'));
  mkdirSync(join(boardDir, 'assets'));
  writeFileSync(join(boardDir, 'board.html'), '<!doctype html><title>board</title>');
  writeFileSync(join(boardDir, 'index.html'), 'the app page: not the wallboard');
  writeFileSync(join(boardDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'pounce-hostile-outside.txt'), 'outside');
  symlinkSync(join(boardDir, 'index.html'), join(boardDir, 'assets', 'link.js'));
  s = await startTestServer({ board: { staticDir: boardDir } });
  ids.team = await createTeam(s, 'Hostile A');
  ids.teamB = await createTeam(s, 'Hostile B');
  const rep = await createUser(s, { email: 'rep@hostile.test', role: 'rep', teamId: ids.team });
  const repB = await createUser(s, { email: 'repb@hostile.test', role: 'rep', teamId: ids.teamB });
  const lead = await createUser(s, { email: 'lead@hostile.test', role: 'lead', teamId: ids.team });
  const put = (name: string, u: TestUser) => {
    ids[name] = u.id;
    tokens[name] = u.token;
  };
  put('rep', rep);
  put('repB', repB);
  put('lead', lead);
  tokens.admin = s.adminToken;
  tokens.key = await createApiKey(s, 'hostile key');
  const keys = await http<{ apiKeys: { id: string }[] }>('GET', `${s.url}/api/v1/api-keys`, {
    token: s.adminToken,
  });
  ids.key = keys.body.apiKeys[0]?.id ?? '';
  tokens.revoked = await createApiKey(s, 'revoked key');
  const revoked = await http<{ apiKeys: { id: string; name: string }[] }>(
    'GET',
    `${s.url}/api/v1/api-keys`,
    { token: s.adminToken },
  );
  const revokedId = revoked.body.apiKeys.find((k) => k.name === 'revoked key')?.id ?? '';
  await http('DELETE', `${s.url}/api/v1/api-keys/${revokedId}`, { token: s.adminToken });
  // Nobody is online: the lead waits in team A's queue, held by no one.
  ids.lead = (await postLead(s, tokens.key, hotLead())).body.lead.id;
  const me = await http<{ user: { id: string } }>('GET', `${s.url}/api/v1/me`, {
    token: s.adminToken,
  });
  ids.admin = me.body.user.id;
});
afterAll(async () => {
  await s.stop();
  rmSync(boardDir, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'pounce-hostile-outside.txt'), { force: true });
});

type As = 'none' | 'admin' | 'lead' | 'rep' | 'repB' | 'key' | 'revoked';
interface Req {
  /** Whose bearer token is sent (default admin); `none` sends no Authorization header. */
  readonly as?: As;
  readonly body?: unknown;
  readonly raw?: string;
  readonly type?: string;
  readonly headers?: Record<string, string>;
}
/** [what, "METHOD /path" ({name} is an id made in beforeAll), request, status, field named] */
type Case = [string, string, Req, number, string?];

const long = (n: number) => 'x'.repeat(n);
const UNKNOWN = '0190aaaa-0000-7000-8000-000000000000';
const SQL = encodeURIComponent("' OR '1'='1");
const future = '2099-01-01T00:00:00.000Z';
const json = 'application/json';
const intake = { source: 'web', name: 'Ann Lee', email: 'ann@hostile.test' };
const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const CASES: readonly Case[] = [
  // --- POST /api/v1/auth/login: no token needed; a wrong credential is a 401 like any other.
  ['login: body is a JSON array', 'POST /api/v1/auth/login', { as: 'none', body: [] }, 422],
  [
    'login: email is a number',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 42, password: 'x' } },
    422,
    'email',
  ],
  [
    'login: email is an array',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: ['admin@pounce.test'], password: 'x' } },
    422,
    'email',
  ],
  [
    'login: password is an object',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 'admin@pounce.test', password: { $ne: '' } } },
    422,
    'password',
  ],
  [
    'login: password of 1,025 characters',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 'admin@pounce.test', password: long(1025) } },
    422,
    'password',
  ],
  [
    'login: email of 255 characters',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: `${long(245)}@pounce.test`, password: 'x' } },
    422,
    'email',
  ],
  [
    'login: asks for a role',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 'admin@pounce.test', password: 'x', role: 'admin' } },
    422,
    'role',
  ],
  [
    'login: __proto__ key',
    'POST /api/v1/auth/login',
    {
      as: 'none',
      raw: '{"email":"admin@pounce.test","password":"x","__proto__":{"role":"admin"}}',
      type: json,
    },
    400,
  ],
  [
    'login: form-encoded',
    'POST /api/v1/auth/login',
    {
      as: 'none',
      raw: 'email=admin%40pounce.test&password=x',
      type: 'application/x-www-form-urlencoded',
    },
    415,
  ],
  ['login: empty body', 'POST /api/v1/auth/login', { as: 'none', raw: '', type: json }, 400],
  [
    'login: another sync protocol',
    'POST /api/v1/auth/login',
    {
      as: 'none',
      body: { email: 'a@b.co', password: 'x' },
      headers: { 'pounce-sync-protocol': '2' },
    },
    426,
  ],
  [
    'login: protocol header with junk',
    'POST /api/v1/auth/login',
    {
      as: 'none',
      body: { email: 'a@b.co', password: 'x' },
      headers: { 'pounce-sync-protocol': '1; DROP TABLE users' },
    },
    426,
  ],
  [
    'login: SQL injection as the email',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: "' OR 1=1 --", password: "' OR '1'='1" } },
    401,
  ],
  [
    'login: the admin email with a NUL after it',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 'admin@pounce.test\u0000', password: 'admin-password-1' } },
    401,
  ],
  [
    'login: the admin email behind an RTL override',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: '\u202eadmin@pounce.test', password: 'admin-password-1' } },
    401,
  ],
  [
    'login: right password with a trailing space',
    'POST /api/v1/auth/login',
    { as: 'none', body: { email: 'admin@pounce.test', password: 'admin-password-1 ' } },
    401,
  ],

  // --- Bearer tokens: schemes, whitespace, the wrong kind of secret
  ['me: no token', 'GET /api/v1/me', { as: 'none' }, 401],
  ['me: an intake API key', 'GET /api/v1/me', { as: 'key' }, 401],
  [
    'me: Basic scheme',
    'GET /api/v1/me',
    {
      as: 'none',
      headers: { authorization: 'Basic YWRtaW5AcG91bmNlLnRlc3Q6YWRtaW4tcGFzc3dvcmQtMQ==' },
    },
    401,
  ],
  [
    'me: "Bearer" and nothing',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: 'Bearer' } },
    401,
  ],
  [
    'me: a token with a space inside',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: 'Bearer pnc_s_abc def' } },
    401,
  ],
  [
    'me: two tokens',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: 'Bearer pnc_s_a, Bearer pnc_s_b' } },
    401,
  ],
  [
    'me: Token scheme',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: 'Token pnc_s_abcdef' } },
    401,
  ],
  [
    'me: a 12 KB token',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: `Bearer pnc_s_${long(12_000)}` } },
    401,
  ],
  [
    'me: SQL injection as the token',
    'GET /api/v1/me',
    { as: 'none', headers: { authorization: "Bearer ' OR 1=1 --" } },
    401,
  ],
  ['logout: no token', 'POST /api/v1/auth/logout', { as: 'none' }, 401],
  ['logout: an intake API key', 'POST /api/v1/auth/logout', { as: 'key' }, 401],

  // --- PATCH /api/v1/me
  ['patch me: no token', 'PATCH /api/v1/me', { as: 'none', body: { receivingLeads: false } }, 401],
  [
    'patch me: receivingLeads as "true"',
    'PATCH /api/v1/me',
    { as: 'rep', body: { receivingLeads: 'true' } },
    422,
    'receivingLeads',
  ],
  [
    'patch me: receivingLeads as 1',
    'PATCH /api/v1/me',
    { as: 'rep', body: { receivingLeads: 1 } },
    422,
    'receivingLeads',
  ],
  [
    'patch me: a rep makes themselves admin',
    'PATCH /api/v1/me',
    { as: 'rep', body: { receivingLeads: true, role: 'admin' } },
    422,
    'role',
  ],
  [
    'patch me: a rep raises their own weight',
    'PATCH /api/v1/me',
    { as: 'rep', body: { receivingLeads: true, weight: 100 } },
    422,
    'weight',
  ],
  ['patch me: empty object', 'PATCH /api/v1/me', { as: 'rep', body: {} }, 422, 'receivingLeads'],
  ['patch me: JSON null', 'PATCH /api/v1/me', { as: 'rep', raw: 'null', type: json }, 422],

  // --- POST/GET/PATCH teams
  ['create team: no token', 'POST /api/v1/teams', { as: 'none', body: { name: 'T' } }, 401],
  ['create team: rep', 'POST /api/v1/teams', { as: 'rep', body: { name: 'T' } }, 403],
  ['create team: team lead', 'POST /api/v1/teams', { as: 'lead', body: { name: 'T' } }, 403],
  ['create team: intake API key', 'POST /api/v1/teams', { as: 'key', body: { name: 'T' } }, 401],
  ['create team: empty name', 'POST /api/v1/teams', { body: { name: '  ' } }, 422, 'name'],
  [
    'create team: name of 101 characters',
    'POST /api/v1/teams',
    { body: { name: long(101) } },
    422,
    'name',
  ],
  ['create team: name is a number', 'POST /api/v1/teams', { body: { name: 7 } }, 422, 'name'],
  [
    'create team: chooses its id',
    'POST /api/v1/teams',
    { body: { name: 'T', id: 'x' } },
    422,
    'id',
  ],
  ['create team: the name exists', 'POST /api/v1/teams', { body: { name: 'Hostile A' } }, 409],
  [
    'create team: constructor.prototype',
    'POST /api/v1/teams',
    { raw: '{"name":"T","constructor":{"prototype":{"admin":true}}}', type: json },
    400,
  ],
  ['list teams: rep', 'GET /api/v1/teams', { as: 'rep' }, 403],
  ['list teams: intake API key', 'GET /api/v1/teams', { as: 'key' }, 401],
  [
    'patch team: no token',
    'PATCH /api/v1/teams/{team}',
    { as: 'none', body: { assignment: 'claim' } },
    401,
  ],
  [
    'patch team: team lead',
    'PATCH /api/v1/teams/{team}',
    { as: 'lead', body: { assignment: 'claim' } },
    403,
  ],
  [
    'patch team: unknown assignment',
    'PATCH /api/v1/teams/{team}',
    { body: { assignment: 'random' } },
    422,
    'assignment',
  ],
  [
    'patch team: assignment as an array',
    'PATCH /api/v1/teams/{team}',
    { body: { assignment: ['claim'] } },
    422,
    'assignment',
  ],
  [
    'patch team: renames itself',
    'PATCH /api/v1/teams/{team}',
    { body: { assignment: 'fair', name: 'Owned' } },
    422,
    'name',
  ],
  [
    'patch team: unknown id',
    `PATCH /api/v1/teams/${UNKNOWN}`,
    { body: { assignment: 'claim' } },
    404,
  ],
  [
    'patch team: SQL injection id',
    `PATCH /api/v1/teams/${SQL}`,
    { body: { assignment: 'claim' } },
    404,
  ],
  [
    'patch team: id ../../users',
    'PATCH /api/v1/teams/..%2F..%2Fusers',
    { body: { assignment: 'claim' } },
    404,
  ],
  [
    'patch team: id of 65 characters',
    `PATCH /api/v1/teams/${long(65)}`,
    { body: { assignment: 'claim' } },
    422,
    'id',
  ],

  // --- POST/GET/PATCH users
  ['create user: no token', 'POST /api/v1/users', { as: 'none', body: {} }, 401],
  ['create user: rep', 'POST /api/v1/users', { as: 'rep', body: {} }, 403],
  [
    'create user: team lead adds an admin',
    'POST /api/v1/users',
    { as: 'lead', body: { email: 'x@y.co', name: 'X', password: long(10), role: 'admin' } },
    403,
  ],
  ...userBodies(),
  ['list users: rep', 'GET /api/v1/users', { as: 'rep' }, 403],
  ['list users: intake API key', 'GET /api/v1/users', { as: 'key' }, 401],
  ['patch user: no token', 'PATCH /api/v1/users/{rep}', { as: 'none', body: { weight: 2 } }, 401],
  [
    'patch user: rep changes another rep',
    'PATCH /api/v1/users/{repB}',
    { as: 'rep', body: { weight: 2 } },
    403,
  ],
  ['patch user: team lead', 'PATCH /api/v1/users/{rep}', { as: 'lead', body: { weight: 2 } }, 403],
  ['patch user: empty object', 'PATCH /api/v1/users/{rep}', { body: {} }, 422],
  ['patch user: unknown id', `PATCH /api/v1/users/${UNKNOWN}`, { body: { weight: 2 } }, 404],
  ['patch user: SQL injection id', `PATCH /api/v1/users/${SQL}`, { body: { weight: 2 } }, 404],
  [
    'patch user: id of 65 characters',
    `PATCH /api/v1/users/${long(65)}`,
    { body: { weight: 2 } },
    422,
    'id',
  ],
  ['patch user: role root', 'PATCH /api/v1/users/{rep}', { body: { role: 'root' } }, 422, 'role'],
  [
    'patch user: active as "false"',
    'PATCH /api/v1/users/{rep}',
    { body: { active: 'false' } },
    422,
    'active',
  ],
  [
    'patch user: unknown team',
    'PATCH /api/v1/users/{rep}',
    { body: { teamId: UNKNOWN } },
    422,
    'teamId',
  ],
  [
    'patch user: weight "NaN"',
    'PATCH /api/v1/users/{rep}',
    { body: { weight: 'NaN' } },
    422,
    'weight',
  ],
  [
    'patch user: weight 1e309',
    'PATCH /api/v1/users/{rep}',
    { raw: '{"weight":1e309}', type: json },
    422,
    'weight',
  ],
  [
    'patch user: password of 9 characters',
    'PATCH /api/v1/users/{rep}',
    { body: { password: long(9) } },
    422,
    'password',
  ],
  [
    'patch user: changes the email',
    'PATCH /api/v1/users/{rep}',
    { body: { email: 'new@hostile.test' } },
    422,
    'email',
  ],
  [
    'patch user: one good field, one bad: nothing changes',
    'PATCH /api/v1/users/{rep}',
    { body: { name: 'Renamed', capacity: 0 } },
    422,
    'capacity',
  ],

  // --- API keys
  ['create key: no token', 'POST /api/v1/api-keys', { as: 'none', body: { name: 'k' } }, 401],
  ['create key: rep', 'POST /api/v1/api-keys', { as: 'rep', body: { name: 'k' } }, 403],
  [
    'create key: an API key mints another',
    'POST /api/v1/api-keys',
    { as: 'key', body: { name: 'k' } },
    401,
  ],
  ['create key: empty name', 'POST /api/v1/api-keys', { body: { name: '' } }, 422, 'name'],
  [
    'create key: name of 101 characters',
    'POST /api/v1/api-keys',
    { body: { name: long(101) } },
    422,
    'name',
  ],
  [
    'create key: name is an object',
    'POST /api/v1/api-keys',
    { body: { name: { a: 1 } } },
    422,
    'name',
  ],
  [
    'create key: chooses the key',
    'POST /api/v1/api-keys',
    { body: { name: 'k', key: 'pnc_k_mine' } },
    422,
    'key',
  ],
  ['list keys: rep', 'GET /api/v1/api-keys', { as: 'rep' }, 403],
  ['list keys: the API key itself', 'GET /api/v1/api-keys', { as: 'key' }, 401],
  ['revoke key: no token', 'DELETE /api/v1/api-keys/{key}', { as: 'none' }, 401],
  ['revoke key: team lead', 'DELETE /api/v1/api-keys/{key}', { as: 'lead' }, 403],
  ['revoke key: the key revokes itself', 'DELETE /api/v1/api-keys/{key}', { as: 'key' }, 401],
  ['revoke key: unknown id', `DELETE /api/v1/api-keys/${UNKNOWN}`, {}, 404],
  ['revoke key: SQL injection id', `DELETE /api/v1/api-keys/${SQL}`, {}, 404],
  ['revoke key: id with a NUL', 'DELETE /api/v1/api-keys/abc%00def', {}, 404],
  ['revoke key: id of 65 characters', `DELETE /api/v1/api-keys/${long(65)}`, {}, 422, 'id'],

  // --- POST /api/v1/leads: the intake key and its headers (bodies: malformed.test.ts)
  ['intake: no key', 'POST /api/v1/leads', { as: 'none', body: intake }, 401],
  ["intake: the admin's session instead of a key", 'POST /api/v1/leads', { body: intake }, 401],
  ['intake: a revoked key', 'POST /api/v1/leads', { as: 'revoked', body: intake }, 401],
  [
    'intake: the key with Basic',
    'POST /api/v1/leads',
    { as: 'none', body: intake, headers: { authorization: 'Basic {keySecret}' } },
    401,
  ],
  [
    'intake: the key with a space inside',
    'POST /api/v1/leads',
    { as: 'none', body: intake, headers: { authorization: 'Bearer pnc_k_ab cd' } },
    401,
  ],
  [
    'intake: Idempotency-Key empty',
    'POST /api/v1/leads',
    { as: 'key', body: intake, headers: { 'idempotency-key': '' } },
    422,
    'Idempotency-Key',
  ],
  [
    'intake: Idempotency-Key of 256 characters',
    'POST /api/v1/leads',
    { as: 'key', body: intake, headers: { 'idempotency-key': long(256) } },
    422,
    'Idempotency-Key',
  ],
  [
    'intake: Idempotency-Key with a Latin-1 byte',
    'POST /api/v1/leads',
    { as: 'key', body: intake, headers: { 'idempotency-key': 'caf\u00e9' } },
    422,
    'Idempotency-Key',
  ],
  [
    'intake: Idempotency-Key with a tab',
    'POST /api/v1/leads',
    { as: 'key', body: intake, headers: { 'idempotency-key': 'a\tb' } },
    422,
    'Idempotency-Key',
  ],
  [
    'intake: no content type',
    'POST /api/v1/leads',
    { as: 'key', raw: JSON.stringify(intake) },
    415,
  ],

  // --- GET /api/v1/leads and one lead
  ['list leads: no token', 'GET /api/v1/leads', { as: 'none' }, 401],
  ['list leads: an intake API key reads leads', 'GET /api/v1/leads', { as: 'key' }, 401],
  ['list leads: limit twice (an array)', 'GET /api/v1/leads?limit=1&limit=2', {}, 422, 'limit'],
  [
    'list leads: status twice (an array)',
    'GET /api/v1/leads?status=assigned&status=working',
    {},
    422,
    'status',
  ],
  [
    'list leads: status[] bracket syntax',
    'GET /api/v1/leads?status[]=assigned',
    {},
    422,
    'status[]',
  ],
  ['list leads: limit 1e309', 'GET /api/v1/leads?limit=1e309', {}, 422, 'limit'],
  ['list leads: limit NaN', 'GET /api/v1/leads?limit=NaN', {}, 422, 'limit'],
  ['list leads: limit -1', 'GET /api/v1/leads?limit=-1', {}, 422, 'limit'],
  ['list leads: limit 1.5', 'GET /api/v1/leads?limit=1.5', {}, 422, 'limit'],
  ['list leads: limit 2^64', 'GET /api/v1/leads?limit=18446744073709551616', {}, 422, 'limit'],
  ['list leads: limit %00', 'GET /api/v1/leads?limit=%00', {}, 422, 'limit'],
  ['list leads: status in capitals', 'GET /api/v1/leads?status=ASSIGNED', {}, 422, 'status.0'],
  ['list leads: status SQL injection', `GET /api/v1/leads?status=${SQL}`, {}, 422, 'status.0'],
  [
    'list leads: cursor of 201 characters',
    `GET /api/v1/leads?cursor=${long(201)}`,
    {},
    422,
    'cursor',
  ],
  [
    'list leads: cursor with an operator object',
    `GET /api/v1/leads?cursor=${cursorOf({ before: { $gt: '' } })}`,
    {},
    422,
    'cursor',
  ],
  [
    'list leads: cursor of JSON null',
    `GET /api/v1/leads?cursor=${cursorOf(null)}`,
    {},
    422,
    'cursor',
  ],
  [
    'list leads: assignedTo of 65 characters',
    `GET /api/v1/leads?assignedTo=${long(65)}`,
    {},
    422,
    'assignedTo',
  ],
  ['list leads: __proto__ parameter', 'GET /api/v1/leads?__proto__=x', {}, 422, '__proto__'],
  ['list leads: constructor parameter', 'GET /api/v1/leads?constructor=x', {}, 422, 'constructor'],
  ['list leads: an unknown parameter', 'GET /api/v1/leads?sort=email', {}, 422, 'sort'],
  ['one lead: no token', 'GET /api/v1/leads/{lead}', { as: 'none' }, 401],
  ['one lead: an intake API key', 'GET /api/v1/leads/{lead}', { as: 'key' }, 401],
  ['one lead: a rep who never held it', 'GET /api/v1/leads/{lead}', { as: 'rep' }, 404],
  ['one lead: id of 65 characters', `GET /api/v1/leads/${long(65)}`, {}, 422, 'id'],
  ['one lead: SQL injection id', `GET /api/v1/leads/${SQL}`, {}, 404],
  ['one lead: id ../../etc/passwd', 'GET /api/v1/leads/..%2F..%2Fetc%2Fpasswd', {}, 404],
  ['one lead: id with an RTL override', 'GET /api/v1/leads/%E2%80%AEabc', {}, 404],
  ['lead events: no token', 'GET /api/v1/leads/{lead}/events', { as: 'none' }, 401],
  ['lead events: a rep who never held it', 'GET /api/v1/leads/{lead}/events', { as: 'rep' }, 404],
  ['lead events: SQL injection id', `GET /api/v1/leads/${SQL}/events`, {}, 404],
  ['lead events: id of 65 characters', `GET /api/v1/leads/${long(65)}/events`, {}, 422, 'id'],

  // --- Moving leads: reassign, release
  [
    'reassign: no token',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'none', body: { toUserId: 'x' } },
    401,
  ],
  [
    'reassign: rep',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'rep', body: { toUserId: 'x' } },
    403,
  ],
  [
    'reassign: intake API key',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'key', body: { toUserId: 'x' } },
    401,
  ],
  [
    'reassign: no toUserId',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: {} },
    422,
    'toUserId',
  ],
  [
    'reassign: toUserId is a number',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: 5 } },
    422,
    'toUserId',
  ],
  [
    'reassign: to an unknown user',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: UNKNOWN } },
    422,
    'toUserId',
  ],
  [
    'reassign: to the admin',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: '{admin}' } },
    422,
    'toUserId',
  ],
  [
    'reassign: to a rep of another team',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: '{repB}' } },
    422,
    'toUserId',
  ],
  [
    'reassign: note of 501 characters',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: '{rep}', note: long(501) } },
    422,
    'note',
  ],
  [
    'reassign: sets the status too',
    'POST /api/v1/leads/{lead}/reassign',
    { as: 'lead', body: { toUserId: '{rep}', status: 'won' } },
    422,
    'status',
  ],
  [
    'reassign: unknown lead',
    `POST /api/v1/leads/${UNKNOWN}/reassign`,
    { as: 'lead', body: { toUserId: '{rep}' } },
    404,
  ],
  ['release: no token', 'POST /api/v1/leads/{lead}/release', { as: 'none' }, 401],
  ['release: rep', 'POST /api/v1/leads/{lead}/release', { as: 'rep' }, 403],
  ['release: a lead nobody holds', 'POST /api/v1/leads/{lead}/release', { as: 'lead' }, 409],
  [
    'release: note of 501 characters',
    'POST /api/v1/leads/{lead}/release',
    { as: 'lead', body: { note: long(501) } },
    422,
    'note',
  ],
  [
    'release: note is a number',
    'POST /api/v1/leads/{lead}/release',
    { as: 'lead', body: { note: 1 } },
    422,
    'note',
  ],
  [
    'release: body is an array',
    'POST /api/v1/leads/{lead}/release',
    { as: 'lead', body: ['x'] },
    422,
  ],
  ['release: unknown lead', `POST /api/v1/leads/${UNKNOWN}/release`, { as: 'lead' }, 404],

  // --- The team-lead board
  ['charts: no token', 'GET /api/v1/teams/{team}/board/charts', { as: 'none' }, 401],
  ['charts: rep', 'GET /api/v1/teams/{team}/board/charts', { as: 'rep' }, 403],
  ["charts: another team's lead", 'GET /api/v1/teams/{teamB}/board/charts', { as: 'lead' }, 404],
  ['charts: days 0', 'GET /api/v1/teams/{team}/board/charts?days=0', { as: 'lead' }, 422, 'days'],
  ['charts: days 32', 'GET /api/v1/teams/{team}/board/charts?days=32', { as: 'lead' }, 422, 'days'],
  [
    'charts: days twice',
    'GET /api/v1/teams/{team}/board/charts?days=1&days=2',
    { as: 'lead' },
    422,
    'days',
  ],
  [
    'charts: days 1e309',
    'GET /api/v1/teams/{team}/board/charts?days=1e309',
    { as: 'lead' },
    422,
    'days',
  ],
  ['charts: id of 65 characters', `GET /api/v1/teams/${long(65)}/board/charts`, {}, 422, 'id'],
  ['team leads: no token', 'GET /api/v1/teams/{team}/leads?status=open', { as: 'none' }, 401],
  ['team leads: rep', 'GET /api/v1/teams/{team}/leads?status=open', { as: 'rep' }, 403],
  [
    "team leads: another team's lead",
    'GET /api/v1/teams/{teamB}/leads?status=open',
    { as: 'lead' },
    404,
  ],
  ['team leads: no status', 'GET /api/v1/teams/{team}/leads', { as: 'lead' }, 422, 'status'],
  [
    'team leads: two statuses',
    'GET /api/v1/teams/{team}/leads?status=open,nurture',
    { as: 'lead' },
    422,
    'status',
  ],
  [
    'team leads: limit 201',
    'GET /api/v1/teams/{team}/leads?status=open&limit=201',
    { as: 'lead' },
    422,
    'limit',
  ],
  [
    'team leads: cursor not ours',
    'GET /api/v1/teams/{team}/leads?status=open&cursor=%%%',
    { as: 'lead' },
    422,
    'cursor',
  ],
  [
    'team leads: an unknown parameter',
    'GET /api/v1/teams/{team}/leads?status=open&teamId=x',
    { as: 'lead' },
    422,
    'teamId',
  ],
  ['rep queue: no token', 'GET /api/v1/users/{rep}/queue', { as: 'none' }, 401],
  ['rep queue: rep', 'GET /api/v1/users/{rep}/queue', { as: 'rep' }, 403],
  ["rep queue: another team's rep", 'GET /api/v1/users/{repB}/queue', { as: 'lead' }, 404],
  ['rep queue: not a rep', 'GET /api/v1/users/{admin}/queue', {}, 422, 'id'],
  ['rep queue: unknown user', `GET /api/v1/users/${UNKNOWN}/queue`, {}, 404],

  // --- Claim mode and away periods
  ['claim: no token', 'POST /api/v1/leads/{lead}/claim', { as: 'none' }, 401],
  ['claim: admin', 'POST /api/v1/leads/{lead}/claim', {}, 403],
  ['claim: team lead', 'POST /api/v1/leads/{lead}/claim', { as: 'lead' }, 403],
  ['claim: a lead never offered', 'POST /api/v1/leads/{lead}/claim', { as: 'rep' }, 404],
  ['claim: SQL injection id', `POST /api/v1/leads/${SQL}/claim`, { as: 'rep' }, 404],
  ['claim: id of 65 characters', `POST /api/v1/leads/${long(65)}/claim`, { as: 'rep' }, 422, 'id'],
  ['away: no token', 'GET /api/v1/users/me/away', { as: 'none' }, 401],
  ['away: intake API key', 'GET /api/v1/users/me/away', { as: 'key' }, 401],
  ["away: a rep reads another rep's", 'GET /api/v1/users/{repB}/away', { as: 'rep' }, 403],
  ['away: "me " with a space', 'GET /api/v1/users/me%20/away', { as: 'rep' }, 403],
  ['set away: no token', 'PUT /api/v1/users/me/away', { as: 'none', body: { until: future } }, 401],
  [
    'set away: a rep benches another rep',
    'PUT /api/v1/users/{repB}/away',
    { as: 'rep', body: { until: future } },
    403,
  ],
  [
    "set away: a team lead benches another team's rep",
    'PUT /api/v1/users/{repB}/away',
    { as: 'lead', body: { until: '2030-01-01T00:00:00Z' } },
    404,
  ],
  [
    'set away: unknown user',
    `PUT /api/v1/users/${UNKNOWN}/away`,
    { body: { until: '2030-01-01T00:00:00Z' } },
    404,
  ],
  ['set away: no until', 'PUT /api/v1/users/me/away', { as: 'rep', body: {} }, 422, 'until'],
  [
    'set away: until "next week"',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: 'next week' } },
    422,
    'until',
  ],
  [
    'set away: until as epoch ms',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: 4102444800000 } },
    422,
    'until',
  ],
  [
    'set away: until without a time zone',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-01-01T00:00:00' } },
    422,
    'until',
  ],
  [
    'set away: until at +99:00',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-01-01T00:00:00+99:00' } },
    422,
    'until',
  ],
  [
    'set away: until in month 13',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-13-01T00:00:00Z' } },
    422,
    'until',
  ],
  [
    'set away: until in year 10000',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '+010000-01-01T00:00:00Z' } },
    422,
    'until',
  ],
  [
    'set away: until in year 0',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '0000-01-01T00:00:00Z' } },
    422,
    'until',
  ],
  [
    'set away: until in the past',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2001-01-01T00:00:00Z' } },
    422,
    'until',
  ],
  [
    'set away: for 73 years',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: future } },
    422,
    'until',
  ],
  [
    'set away: from after until',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { from: '2030-01-10T00:00:00Z', until: '2030-01-01T00:00:00Z' } },
    422,
    'until',
  ],
  [
    'set away: empty reason',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-01-01T00:00:00Z', reason: ' ' } },
    422,
    'reason',
  ],
  [
    'set away: reason of 201 characters',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-01-01T00:00:00Z', reason: long(201) } },
    422,
    'reason',
  ],
  [
    'set away: sets its own id',
    'PUT /api/v1/users/me/away',
    { as: 'rep', body: { until: '2030-01-01T00:00:00Z', id: UNKNOWN } },
    422,
    'id',
  ],
  ['end away: no token', 'DELETE /api/v1/users/me/away', { as: 'none' }, 401],
  ["end away: a rep ends another rep's", 'DELETE /api/v1/users/{repB}/away', { as: 'rep' }, 403],
  ['end away: none to end', 'DELETE /api/v1/users/me/away', { as: 'rep' }, 404],

  // --- Sync (bodies of pushes: sync-malformed.test.ts)
  ['push: no token', 'POST /api/v1/sync/push', { as: 'none', body: { protocolVersion: 1 } }, 401],
  [
    'push: intake API key',
    'POST /api/v1/sync/push',
    { as: 'key', body: { protocolVersion: 1 } },
    401,
  ],
  [
    'push: protocol version "1" as a string',
    'POST /api/v1/sync/push',
    { as: 'rep', body: { protocolVersion: '1', clientId: UNKNOWN, mutations: [] } },
    426,
  ],
  [
    'push: protocol version 1e309',
    'POST /api/v1/sync/push',
    { as: 'rep', raw: '{"protocolVersion":1e309}', type: json },
    426,
  ],
  [
    'push: text/plain',
    'POST /api/v1/sync/push',
    { as: 'rep', raw: '{"protocolVersion":1}', type: 'text/plain' },
    415,
  ],
  [
    'pull: no token',
    'GET /api/v1/sync/pull',
    { as: 'none', headers: { 'pounce-sync-protocol': '1' } },
    401,
  ],
  ['pull: no protocol header', 'GET /api/v1/sync/pull', { as: 'rep' }, 426],
  [
    'pull: protocol "01"',
    'GET /api/v1/sync/pull',
    { as: 'rep', headers: { 'pounce-sync-protocol': '01' } },
    426,
  ],
  [
    'pull: protocol "1.0"',
    'GET /api/v1/sync/pull',
    { as: 'rep', headers: { 'pounce-sync-protocol': '1.0' } },
    426,
  ],
  [
    'pull: cursor not ours',
    'GET /api/v1/sync/pull?cursor=abc',
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'cursor',
  ],
  [
    'pull: cursor with a negative seq',
    `GET /api/v1/sync/pull?cursor=${cursorOf({ kind: 'log', seq: -1 })}`,
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'cursor',
  ],
  [
    'pull: cursor with seq 1e308',
    `GET /api/v1/sync/pull?cursor=${Buffer.from('{"kind":"log","seq":1e308}').toString('base64url')}`,
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'cursor',
  ],
  [
    'pull: limit twice',
    'GET /api/v1/sync/pull?limit=1&limit=2',
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'limit',
  ],
  [
    'pull: limit 1e309',
    'GET /api/v1/sync/pull?limit=1e309',
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'limit',
  ],
  [
    'pull: an unknown parameter',
    'GET /api/v1/sync/pull?userId={repB}',
    { as: 'rep', headers: { 'pounce-sync-protocol': '1' } },
    422,
    'userId',
  ],
  ['playbook: no token', 'GET /api/v1/playbook', { as: 'none' }, 401],
  ['playbook: intake API key', 'GET /api/v1/playbook', { as: 'key' }, 401],

  // --- Methods, URLs and content types
  ['DELETE on the lead list', 'DELETE /api/v1/leads', {}, 404],
  ['PUT on teams', 'PUT /api/v1/teams', { body: { name: 'T' } }, 404],
  ['OPTIONS preflight', 'OPTIONS /api/v1/leads', { as: 'none' }, 404],
  ['PROPFIND', 'PROPFIND /api/v1/leads', {}, 404],
  ['HEAD without a token', 'HEAD /api/v1/me', { as: 'none' }, 401],
  ['a trailing slash (an empty id)', 'GET /api/v1/leads/', {}, 422, 'id'],
  ['a double slash', 'GET //api/v1/me', {}, 404],
  ['the path in capitals', 'GET /API/V1/ME', {}, 404],
  ['an 8 KB path', `GET /api/v1/${long(8000)}`, {}, 404],
  [
    'a query of 500 unknown parameters',
    `GET /api/v1/leads?${Array.from({ length: 500 }, (_, i) => `p${i}=1`).join('&')}`,
    {},
    422,
    'p0',
  ],
  [
    'multipart body',
    'POST /api/v1/teams',
    { raw: '--x\r\n\r\nname=T\r\n--x--', type: 'multipart/form-data; boundary=x' },
    415,
  ],
  [
    'application/jsonx',
    'POST /api/v1/teams',
    { raw: '{"name":"T"}', type: 'application/jsonx' },
    415,
  ],
  [
    'XML body',
    'POST /api/v1/teams',
    { raw: '<team><name>T</name></team>', type: 'application/xml' },
    415,
  ],
  [
    'a body over 1 MiB',
    'POST /api/v1/teams',
    { raw: JSON.stringify({ name: long(1024 * 1024 + 1) }), type: json },
    413,
  ],
  [
    'a body nested 100,000 deep',
    'POST /api/v1/teams',
    { raw: `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, type: json },
    422,
    'name',
  ],

  // --- The wallboard: files inside assets/ only
  ['wallboard: the app page next to it', 'GET /board/index.html', { as: 'none' }, 404],
  ['wallboard: an encoded ../', 'GET /board/assets/..%2Findex.html', { as: 'none' }, 404],
  ['wallboard: an encoded ..\\', 'GET /board/assets/..%5Cindex.html', { as: 'none' }, 404],
  [
    'wallboard: twice-encoded ../',
    'GET /board/assets/%252e%252e%252findex.html',
    { as: 'none' },
    404,
  ],
  ['wallboard: a hidden file', 'GET /board/assets/.env', { as: 'none' }, 404],
  ['wallboard: a NUL in the name', 'GET /board/assets/app.js%00.png', { as: 'none' }, 404],
  ['wallboard: a symlink out of assets/', 'GET /board/assets/link.js', { as: 'none' }, 404],
  ['wallboard: a 300-character name', `GET /board/assets/${long(300)}.js`, { as: 'none' }, 404],
  ['wallboard: nine folders deep', 'GET /board/assets/a/b/c/d/e/f/g/h/i.js', { as: 'none' }, 404],
  ['wallboard: the folder itself', 'GET /board/assets/', { as: 'none' }, 404],
  ['wallboard: POST', 'POST /board/', { as: 'none', body: {} }, 404],
];

/** Rows for POST /api/v1/users bodies (all as admin), built from one good body. */
function userBodies(): Case[] {
  const ok = { email: 'new@hostile.test', name: 'New', password: 'long-enough-1', role: 'rep' };
  const row = (what: string, body: unknown, status: number, field?: string): Case =>
    field === undefined
      ? [`create user: ${what}`, 'POST /api/v1/users', { body }, status]
      : [`create user: ${what}`, 'POST /api/v1/users', { body }, status, field];
  return [
    row('not an email', { ...ok, email: 'new-at-hostile' }, 422, 'email'),
    row('email with a NUL', { ...ok, email: 'new\u0000@hostile.test' }, 422, 'email'),
    row('email with an RTL override', { ...ok, email: 'new\u202e@hostile.test' }, 422, 'email'),
    row('email that exists, in capitals', { ...ok, email: 'REP@HOSTILE.TEST' }, 409),
    row('password of 9 characters', { ...ok, password: long(9) }, 422, 'password'),
    row('password of 1,025 characters', { ...ok, password: long(1025) }, 422, 'password'),
    row('role superadmin', { ...ok, role: 'superadmin' }, 422, 'role'),
    row('role as an array', { ...ok, role: ['admin'] }, 422, 'role'),
    row('weight 0', { ...ok, weight: 0 }, 422, 'weight'),
    row('weight 1.5', { ...ok, weight: 1.5 }, 422, 'weight'),
    row('weight "2"', { ...ok, weight: '2' }, 422, 'weight'),
    row('capacity -1', { ...ok, capacity: -1 }, 422, 'capacity'),
    row('capacity 2^53 + 2', { ...ok, capacity: Number.MAX_SAFE_INTEGER + 2 }, 422, 'capacity'),
    row('unknown team', { ...ok, teamId: UNKNOWN }, 422, 'teamId'),
    row('team id of 65 characters', { ...ok, teamId: long(65) }, 422, 'teamId'),
    row('name of 201 characters', { ...ok, name: long(201) }, 422, 'name'),
    row('sets active', { ...ok, active: false }, 422, 'active'),
    row('chooses its id', { ...ok, id: UNKNOWN }, 422, 'id'),
    row('a password hash instead', { ...ok, passwordHash: 'scrypt$1$x' }, 422, 'passwordHash'),
  ];
}

function fill(text: string): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const id = ids[name];
    if (id === undefined) throw new Error(`no id {${name}}`);
    return id;
  });
}

function fillBody(body: unknown): unknown {
  return body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
}

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: { field: string }[] } };
}

describe('hostile HTTP requests', () => {
  it(`has a table of at least 250 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(250);
  });

  it.each(CASES)('%s', async (_what, target, req, status, field) => {
    const [method = 'GET', path = '/'] = target.split(' ');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {}))
      headers[k] = v.replace('{keySecret}', tokens.key ?? '');
    if (req.type) headers['content-type'] = req.type;
    const as = req.as ?? 'admin';
    const before = dbSnapshot(s.dataDir);
    const res = await http<ErrorBody>(method, `${s.url}${fill(path)}`, {
      token: as === 'none' ? undefined : tokens[as],
      ...(req.raw !== undefined ? { rawBody: req.raw } : { body: fillBody(req.body) }),
      headers,
    });
    expect(res.status).toBe(status);
    if (method !== 'HEAD') {
      expect(res.body.error.code).toEqual(expect.any(String));
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    if (field !== undefined) {
      expect(res.body.error.details?.fields?.map((f) => f.field)).toContain(field);
    }
    expect(dbSnapshot(s.dataDir)).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});

/** [what, request line and headers (Host and Connection: close are added), status] */
const RAW: readonly [string, string, number][] = [
  [
    'wallboard: a literal ../ (not normalised by a client)',
    'GET /board/assets/../index.html HTTP/1.1',
    404,
  ],
  [
    'wallboard: a literal ../../ out of the folder',
    'GET /board/assets/../../pounce-hostile-outside.txt HTTP/1.1',
    404,
  ],
  ['wallboard: %2e%2e segments', 'GET /board/assets/%2e%2e/index.html HTTP/1.1', 404],
  ['wallboard: a backslash path', 'GET /board/assets/..\\index.html HTTP/1.1', 404],
  ['an absolute-form URL to another host', 'GET http://evil.example/api/v1/me HTTP/1.1', 401],
  [
    'two Authorization headers, the first wrong',
    'GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer pnc_s_wrong\r\nAuthorization: Bearer {admin}',
    401,
  ],
  [
    'two Idempotency-Key headers',
    'POST /api/v1/leads HTTP/1.1\r\nAuthorization: Bearer {key}\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    422,
  ],
];

describe('hostile raw HTTP requests (what fetch will not send)', () => {
  it.each(RAW)('%s', async (_what, head, status) => {
    const before = dbSnapshot(s.dataDir);
    const res = await rawHttp(s.url, rawRequest(head));
    expect(res.status).toBe(status);
    const body = JSON.parse(res.body) as ErrorBody;
    expect(body.error.code).toEqual(expect.any(String));
    expect(body.error.message).toEqual(expect.any(String));
    expect(dbSnapshot(s.dataDir)).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});

/**
 * Requests refused before any route runs: by Node's HTTP parser (a broken request line or
 * header, conflicting lengths, oversize headers) or by fastify's router (a path that does not
 * decode). They are refused, write nothing and leave the server up, but the body is fastify's
 * own `{error, message, statusCode}`, not ours: fastify's `clientErrorHandler` and
 * `frameworkErrors` options (http/app.ts) would render them as the API does.
 *
 * [what, request line and headers, status]
 */
const FRAMEWORK: readonly [string, string, number][] = [
  ['HTTP/9.9', 'GET /api/v1/me HTTP/9.9', 400],
  ['a header line without a colon', 'GET /api/v1/me HTTP/1.1\r\nBad Header', 400],
  [
    'a NUL inside the Authorization header',
    'GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer {admin}\u0000',
    400,
  ],
  ['a 20 KB header', `GET /api/v1/me HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}`, 431],
  ['a 20 KB URL', `GET /api/v1/${'a'.repeat(20_000)} HTTP/1.1`, 431],
  [
    'Content-Length and Transfer-Encoding together (smuggling)',
    'POST /api/v1/teams HTTP/1.1\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    400,
  ],
  [
    'two different Content-Lengths',
    'POST /api/v1/teams HTTP/1.1\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n{"name":"T"}',
    400,
  ],
  [
    'a path with a lone surrogate (%ED%A0%80)',
    'GET /api/v1/leads/%ED%A0%80 HTTP/1.1\r\nAuthorization: Bearer {admin}',
    400,
  ],
  [
    'a path with a cut-off percent escape',
    'GET /api/v1/leads/%E0%A4%A HTTP/1.1\r\nAuthorization: Bearer {admin}',
    400,
  ],
  ['a wallboard file with a cut-off percent escape', 'GET /board/assets/%E0%A4%A.js HTTP/1.1', 400],
];

describe('hostile requests refused before any route runs', () => {
  it.each(FRAMEWORK)('%s', async (_what, head, status) => {
    const before = dbSnapshot(s.dataDir);
    const res = await rawHttp(s.url, rawRequest(head));
    expect(res.status).toBe(status);
    const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code).toBe('string');
    expect(typeof body.error?.message).toBe('string');
    expect(dbSnapshot(s.dataDir)).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});

/** A request line and headers (with {key}, {admin} for secrets) made whole. */
function rawRequest(head: string): string {
  const filled = head.replace(/\{(admin|key)\}/g, (_, name: string) => tokens[name] ?? '');
  const end = filled.indexOf('\r\n\r\n');
  const lines = end >= 0 ? filled.slice(0, end) : filled;
  const body = end >= 0 ? filled.slice(end + 4) : '';
  return `${lines}\r\nHost: localhost\r\nConnection: close\r\n\r\n${body}`;
}
