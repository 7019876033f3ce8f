import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSnapshot } from '../helpers/db-snapshot';
import { http } from '../helpers/http';
import { createApiKey, createTeam, startTestServer, type TestServer } from '../helpers/test-server';

let s: TestServer;
let apiKey: string;

beforeAll(async () => {
  s = await startTestServer();
  await createTeam(s, 'Malformed');
  apiKey = await createApiKey(s);
});
afterAll(() => s.stop());

const ok = { source: 'web', name: 'Ann Lee', email: 'ann@acme.io' };
const long = (n: number) => 'x'.repeat(n);
const json = (v: unknown) => JSON.stringify(v);
const J = 'application/json';

/** [what, raw body, content type, expected status, field that must be named (if any)] */
const CASES: [string, string | Buffer, string, number, string?][] = [
  ['not JSON', '{bad', 'application/json', 400],
  ['empty body', '', 'application/json', 400],
  ['truncated JSON', '{"source":"web","name":"A"', 'application/json', 400],
  ['JSON null', 'null', 'application/json', 422],
  ['JSON array', '[1,2]', 'application/json', 422],
  ['JSON string', '"lead"', 'application/json', 422],
  ['JSON number', '42', 'application/json', 422],
  ['form-encoded', 'source=web&name=A', 'application/x-www-form-urlencoded', 415],
  ['text/plain', json(ok), 'text/plain', 415],
  ['over 1 MiB', json({ ...ok, message: long(1024 * 1024 + 10) }), 'application/json', 413],
  [
    '__proto__ key',
    '{"source":"web","name":"A","email":"a@b.co","__proto__":{"admin":true}}',
    'application/json',
    400,
  ],
  [
    'constructor.prototype key',
    '{"source":"web","name":"A","email":"a@b.co","constructor":{"prototype":{"x":1}}}',
    'application/json',
    400,
  ],
  ['missing source', json({ name: 'A', email: 'a@b.co' }), 'application/json', 422, 'source'],
  ['source not a string', json({ ...ok, source: 7 }), 'application/json', 422, 'source'],
  [
    'source with odd characters',
    json({ ...ok, source: '<script>' }),
    'application/json',
    422,
    'source',
  ],
  ['no name at all', json({ source: 'web', email: 'a@b.co' }), 'application/json', 422, 'name'],
  ['empty name', json({ ...ok, name: '   ' }), 'application/json', 422, 'name'],
  ['name too long', json({ ...ok, name: long(201) }), 'application/json', 422, 'name'],
  ['neither email nor phone', json({ source: 'web', name: 'A' }), 'application/json', 422, 'email'],
  ['invalid email', json({ ...ok, email: 'not-an-email' }), 'application/json', 422, 'email'],
  // Issue 12 (hostile-input review): SQLite stored these as given and the pull sent invalid UTF-8.
  [
    'name with a lone surrogate',
    json({ ...ok, name: 'X\ud800Y' }),
    'application/json',
    422,
    'name',
  ],
  ['company with a NUL', json({ ...ok, company: 'A\u0000B' }), 'application/json', 422, 'company'],
  [
    'message with a lone low surrogate',
    json({ ...ok, message: '\udc00 hi' }),
    'application/json',
    422,
    'message',
  ],
  [
    'field value with a NUL',
    json({ ...ok, fields: { size: '1\u0000' } }),
    'application/json',
    422,
    'fields.size',
  ],
  [
    'field key with a lone surrogate',
    json({ ...ok, fields: { 'k\ud83d': 'v' } }),
    'application/json',
    422,
    'fields.k\ud83d',
  ],
  ['email not a string', json({ ...ok, email: ['a@b.co'] }), 'application/json', 422, 'email'],
  ['phone with letters', json({ ...ok, phone: 'call me maybe' }), 'application/json', 422, 'phone'],
  ['phone too short', json({ ...ok, phone: '12' }), 'application/json', 422, 'phone'],
  ['unknown country', json({ ...ok, country: 'XX' }), 'application/json', 422, 'country'],
  ['three-letter country', json({ ...ok, country: 'USA' }), 'application/json', 422, 'country'],
  [
    'unknown time zone',
    json({ ...ok, timezone: 'Mars/Base' }),
    'application/json',
    422,
    'timezone',
  ],
  ['signals not an array', json({ ...ok, signals: 'demo' }), 'application/json', 422, 'signals'],
  [
    'signal without type',
    json({ ...ok, signals: [{ at: '2026-01-01T00:00:00Z' }] }),
    'application/json',
    422,
    'signals.0.type',
  ],
  [
    'signal type not snake_case',
    json({ ...ok, signals: [{ type: 'Demo Request' }] }),
    'application/json',
    422,
    'signals.0.type',
  ],
  [
    'signal date not ISO',
    json({ ...ok, signals: [{ type: 'webinar', at: 'yesterday' }] }),
    'application/json',
    422,
    'signals.0.at',
  ],
  [
    'too many signals',
    json({ ...ok, signals: Array.from({ length: 51 }, () => ({ type: 'webinar' })) }),
    'application/json',
    422,
    'signals',
  ],
  [
    'fields with a number value',
    json({ ...ok, fields: { budget: 5000 } }),
    'application/json',
    422,
    'fields.budget',
  ],
  [
    'too many fields',
    json({
      ...ok,
      fields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'v'])),
    }),
    'application/json',
    422,
    'fields',
  ],
  [
    'field value too long',
    json({ ...ok, fields: { note: long(2001) } }),
    'application/json',
    422,
    'fields.note',
  ],
  [
    'receivedAt not a date',
    json({ ...ok, receivedAt: 'last tuesday' }),
    'application/json',
    422,
    'receivedAt',
  ],
  [
    'receivedAt in the future',
    json({ ...ok, receivedAt: '2999-01-01T00:00:00Z' }),
    'application/json',
    422,
    'receivedAt',
  ],
  // Issue 12, item 1: before 1970 these broke the rep's sync; before 2000 they are placeholders.
  [
    'receivedAt a millisecond before 1970',
    json({ ...ok, receivedAt: '1969-12-31T23:59:59.999Z' }),
    'application/json',
    422,
    'receivedAt',
  ],
  [
    'receivedAt a CRM default (1900-01-01)',
    json({ ...ok, receivedAt: '1900-01-01T00:00:00Z' }),
    'application/json',
    422,
    'receivedAt',
  ],
  [
    'receivedAt in year 1',
    json({ ...ok, receivedAt: '0001-01-01T00:00:00Z' }),
    'application/json',
    422,
    'receivedAt',
  ],
  [
    'signal at before 2000',
    json({ ...ok, signals: [{ type: 'webinar', at: '1999-12-31T23:59:59Z' }] }),
    'application/json',
    422,
    'signals.0.at',
  ],
  [
    'signal at in the future',
    json({ ...ok, signals: [{ type: 'webinar', at: '2999-01-01T00:00:00Z' }] }),
    'application/json',
    422,
    'signals.0.at',
  ],
  ['unknown top-level field', json({ ...ok, isAdmin: true }), 'application/json', 422, 'isAdmin'],
  ['externalId empty', json({ ...ok, externalId: '' }), 'application/json', 422, 'externalId'],
  ['message too long', json({ ...ok, message: long(5001) }), 'application/json', 422, 'message'],
  [
    'deeply nested junk',
    '{"source":"web","name":"A","email":"a@b.co","fields":{"a":' +
      '['.repeat(5000) +
      ']'.repeat(5000) +
      '}}',
    'application/json',
    422,
    'fields.a',
  ],
  // Hostile inputs (issue 12): unicode tricks, type confusion, numbers, dates, ids.
  ['email behind an RTL override', json({ ...ok, email: 'ann\u202e@acme.io' }), J, 422, 'email'],
  ['email with a header injected', json({ ...ok, email: 'a@b.co\r\nBcc: x@y.z' }), J, 422, 'email'],
  ['two emails in one', json({ ...ok, email: 'a@b.co,c@d.co' }), J, 422, 'email'],
  ['email of 256 characters', json({ ...ok, email: `${long(250)}@b.co` }), J, 422, 'email'],
  ['email null', json({ ...ok, email: null }), J, 422, 'email'],
  ['phone "1e309"', json({ ...ok, phone: '1e309' }), J, 422, 'phone'],
  ['phone "NaN"', json({ ...ok, phone: 'NaN' }), J, 422, 'phone'],
  ['phone as a number', json({ ...ok, phone: 4155550100 }), J, 422, 'phone'],
  [
    'receivedAt in year 10000',
    json({ ...ok, receivedAt: '+010000-01-01T00:00:00Z' }),
    J,
    422,
    'receivedAt',
  ],
  [
    'receivedAt on 30 February',
    json({ ...ok, receivedAt: '2026-02-30T00:00:00Z' }),
    J,
    422,
    'receivedAt',
  ],
  [
    'receivedAt without a time zone',
    json({ ...ok, receivedAt: '2026-01-01T00:00:00' }),
    J,
    422,
    'receivedAt',
  ],
  [
    'receivedAt at +99:00',
    json({ ...ok, receivedAt: '2026-01-01T00:00:00+99:00' }),
    J,
    422,
    'receivedAt',
  ],
  ['receivedAt a date only', json({ ...ok, receivedAt: '2026-01-01' }), J, 422, 'receivedAt'],
  ['receivedAt as epoch ms', json({ ...ok, receivedAt: 1767225600000 }), J, 422, 'receivedAt'],
  [
    'receivedAt at hour 25',
    json({ ...ok, receivedAt: '2026-01-01T25:00:00Z' }),
    J,
    422,
    'receivedAt',
  ],
  [
    'signal date at +25:00',
    json({ ...ok, signals: [{ type: 'webinar', at: '2026-01-01T00:00:00+25:00' }] }),
    J,
    422,
    'signals.0.at',
  ],
  ['signals [null]', json({ ...ok, signals: [null] }), J, 422, 'signals.0'],
  ['country as a number', json({ ...ok, country: 49 }), J, 422, 'country'],
  ['time zone ../../etc/passwd', json({ ...ok, timezone: '../../etc/passwd' }), J, 422, 'timezone'],
  ['fields as an array', json({ ...ok, fields: ['a'] }), J, 422, 'fields'],
  [
    'a field key of 101 characters',
    json({ ...ok, fields: { [long(101)]: 'v' } }),
    J,
    422,
    `fields.${long(101)}`,
  ],
  ['an empty field key', json({ ...ok, fields: { '': 'v' } }), J, 422, 'fields.'],
  ['a field value null', json({ ...ok, fields: { a: null } }), J, 422, 'fields.a'],
  [
    'a __proto__ field key',
    '{"source":"web","name":"A","email":"a@b.co","fields":{"__proto__":{"x":"1"}}}',
    J,
    400,
  ],
  ['source with a NUL', json({ ...ok, source: 'web\u0000' }), J, 422, 'source'],
  ['source ../../etc', json({ ...ok, source: '../../etc' }), J, 422, 'source'],
  ['externalId of 201 characters', json({ ...ok, externalId: long(201) }), J, 422, 'externalId'],
  ['externalId as a number', json({ ...ok, externalId: 7 }), J, 422, 'externalId'],
  ['company as an operator object', json({ ...ok, company: { $gt: '' } }), J, 422, 'company'],
  ['title as a boolean', json({ ...ok, title: true }), J, 422, 'title'],
  [
    'message 1e309',
    '{"source":"web","name":"A","email":"a@b.co","message":1e309}',
    J,
    422,
    'message',
  ],
  [
    'firstName of 101 characters',
    json({ source: 'web', firstName: long(101), email: 'a@b.co' }),
    J,
    422,
    'firstName',
  ],
  ['name null', json({ ...ok, name: null }), J, 422, 'name'],
  ['name of 201 emoji', json({ ...ok, name: '\u{1F600}'.repeat(201) }), J, 422, 'name'],
  ['region of 101 characters', json({ ...ok, region: long(101) }), J, 422, 'region'],
  ['JSON with a NUL between tokens', '{"source":"web",\u0000"name":"A"}', J, 400],
  ['application/jsonx', json(ok), 'application/jsonx', 415],
  ['multipart', '--x\r\n\r\nsource=web\r\n--x--', 'multipart/form-data; boundary=x', 415],
  [
    'invalid UTF-8 bytes',
    Buffer.from([0x7b, 0x22, 0x73, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    'application/json',
    422,
  ],
];

async function leadCount(): Promise<number> {
  const res = await http<{ leads: unknown[] }>('GET', `${s.url}/api/v1/leads?limit=200`, {
    token: s.adminToken,
  });
  return res.body.leads.length;
}

describe('malformed intake bodies', () => {
  it(`has a table of at least 75 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(75);
  });

  it.each(CASES)(
    '%s -> 4xx with the field named, nothing written',
    async (_what, raw, contentType, status, field) => {
      const before = dbSnapshot(s.dataDir);
      const res = await http<{
        error: { code: string; message: string; details?: { fields: { field: string }[] } };
      }>('POST', `${s.url}/api/v1/leads`, {
        token: apiKey,
        rawBody: raw,
        headers: { 'content-type': contentType },
      });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toEqual(expect.any(String));
      expect(res.body.error.message).toEqual(expect.any(String));
      if (field) expect(res.body.error.details?.fields.map((f) => f.field)).toContain(field);
      expect(dbSnapshot(s.dataDir)).toEqual(before);
      expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
    },
  );

  it('bad headers and query strings are 4xx too', async () => {
    const badKey = await http('POST', `${s.url}/api/v1/leads`, {
      token: apiKey,
      body: ok,
      headers: { 'idempotency-key': 'has space' },
    });
    expect(badKey.status).toBe(422);
    for (const q of [
      'limit=0',
      'limit=abc',
      'limit=201',
      'status=bogus',
      'cursor=%%%',
      'cursor=bm90LWpzb24',
      'color=red',
    ]) {
      const res = await http('GET', `${s.url}/api/v1/leads?${q}`, { token: s.adminToken });
      expect(res.status, q).toBe(422);
    }
    expect((await http('GET', `${s.url}/api/v1/nothing-here`)).status).toBe(404);
    expect((await http('PUT', `${s.url}/api/v1/leads`, { token: apiKey, body: ok })).status).toBe(
      404,
    );
    expect(await leadCount()).toBe(0);
  });
});
