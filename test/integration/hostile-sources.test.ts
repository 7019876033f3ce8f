import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSnapshot } from '../helpers/db-snapshot';
import { http } from '../helpers/http';
import {
  createApiKey,
  createTeam,
  createUser,
  startTestServer,
  type TestServer,
} from '../helpers/test-server';

/*
 * The hostile-input table for lead sources (issue 12, "Also"): managing them (admin only) and
 * each kind's webhook, where the sender proves itself its own way. Each row checks the status
 * (never a 500), the error shape naming the field at fault, that the server still answers, and
 * that nothing was written: no lead, no event, no change to any table, except that a delivery
 * to a known source is recorded whatever becomes of it (by design, up to the hourly cap; see
 * docs/api.md, "What the webhook answers"). Not one lead comes of any row.
 */

let s: TestServer;
const tokens: Record<string, string> = {};
/** Source ids by kind (g: Google Ads, t: Typeform, w: webhook, ws: signed-only, d: disabled). */
const src: Record<string, { id: string; secret: string }> = {};

beforeAll(async () => {
  s = await startTestServer();
  const team = await createTeam(s, 'Hostile sources');
  tokens.admin = s.adminToken;
  tokens.rep = (await createUser(s, { email: 'rep@hs.test', role: 'rep', teamId: team })).token;
  tokens.lead = (await createUser(s, { email: 'lead@hs.test', role: 'lead', teamId: team })).token;
  tokens.key = await createApiKey(s);
  const create = async (name: string, body: Record<string, unknown>) => {
    const res = await http<{ source: { id: string }; secret: string }>(
      'POST',
      `${s.url}/api/v1/sources`,
      { token: s.adminToken, body },
    );
    if (res.status !== 201) throw new Error(`create source ${name}: ${res.status}`);
    src[name] = { id: res.body.source.id, secret: res.body.secret };
  };
  await create('g', { kind: 'google_ads', name: 'Hostile Google' });
  await create('t', { kind: 'typeform', name: 'Hostile Typeform' });
  await create('w', { kind: 'webhook', name: 'Hostile Hook' });
  await create('ws', {
    kind: 'webhook',
    name: 'Hostile Signed',
    mapping: { requireSignature: true },
  });
  await create('d', { kind: 'webhook', name: 'Hostile Disabled' });
  const off = await http('PATCH', `${s.url}/api/v1/sources/${src.d?.id ?? ''}`, {
    token: s.adminToken,
    body: { disabled: true },
  });
  if (off.status !== 200) throw new Error(`disable source: ${off.status}`);
});
afterAll(() => s.stop());

type As = 'none' | 'admin' | 'lead' | 'rep' | 'key';
interface Req {
  /** Whose bearer token is sent (default admin for /sources, none for webhooks). */
  readonly as?: As;
  readonly body?: unknown;
  readonly raw?: string;
  readonly type?: string;
  readonly headers?: Record<string, string>;
  /** `Authorization: Bearer <that source's secret>` (webhooks). */
  readonly bearer?: string;
  /** Signs the raw body with the source's secret: Typeform's base64, or the webhook's hex. */
  readonly sign?: 'typeform' | 'hex';
}
/** [what, "METHOD /path" ({g} is that source's id), request, status, field named] */
type Case = [string, string, Req, number, string?];

const long = (n: number) => 'x'.repeat(n);
const UNKNOWN = '0190aaaa-0000-7000-8000-000000000000';
const json = 'application/json';
const lead = { source: 'x', name: 'Ann Lee', email: 'ann@acme.io' };
const google = (extra: Record<string, unknown> = {}) => ({
  lead_id: 'L1',
  google_key: '{g.secret}',
  user_column_data: [{ column_id: 'EMAIL', string_value: 'ann@acme.io' }],
  ...extra,
});
const typeform = (extra: Record<string, unknown> = {}) => ({
  event_id: 'E1',
  event_type: 'form_response',
  form_response: { form_id: 'F', token: 'T1', answers: [] },
  ...extra,
});

const CASES: readonly Case[] = [
  // --- Managing sources: admins only
  [
    'create: no token',
    'POST /api/v1/sources',
    { as: 'none', body: { kind: 'webhook', name: 'N' } },
    401,
  ],
  ['create: rep', 'POST /api/v1/sources', { as: 'rep', body: { kind: 'webhook', name: 'N' } }, 403],
  [
    'create: team lead',
    'POST /api/v1/sources',
    { as: 'lead', body: { kind: 'webhook', name: 'N' } },
    403,
  ],
  [
    'create: intake API key',
    'POST /api/v1/sources',
    { as: 'key', body: { kind: 'webhook', name: 'N' } },
    401,
  ],
  [
    'create: unknown kind',
    'POST /api/v1/sources',
    { body: { kind: 'facebook', name: 'N' } },
    422,
    'kind',
  ],
  ['create: no kind', 'POST /api/v1/sources', { body: { name: 'N' } }, 422, 'kind'],
  [
    'create: kind as an array',
    'POST /api/v1/sources',
    { body: { kind: ['webhook'], name: 'N' } },
    422,
    'kind',
  ],
  [
    'create: name <script>',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: '<script>' } },
    422,
    'name',
  ],
  [
    'create: name of 101 characters',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: long(101) } },
    422,
    'name',
  ],
  [
    'create: name with a NUL',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'a\u0000b' } },
    422,
    'name',
  ],
  [
    'create: name ../../etc',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: '../../etc' } },
    422,
    'name',
  ],
  [
    'create: the name exists, in capitals',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'HOSTILE HOOK' } },
    409,
  ],
  [
    'create: chooses its secret',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'N', secret: 'pnc_w_mine' } },
    422,
    'secret',
  ],
  [
    'create: an unknown mapping key',
    'POST /api/v1/sources',
    { body: { kind: 'typeform', name: 'N', mapping: { feilds: {} } } },
    422,
    'mapping.feilds',
  ],
  [
    'create: a JSON pointer without its slash',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'N', mapping: { paths: { 'contact/email': 'email' } } } },
    422,
    'mapping.paths.contact/email',
  ],
  [
    'create: a path to a field that is not a lead field',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'N', mapping: { paths: { '/x': 'assignedTo' } } } },
    422,
    'mapping.paths./x',
  ],
  [
    'create: requireSignature "yes"',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'N', mapping: { requireSignature: 'yes' } } },
    422,
    'mapping.requireSignature',
  ],
  [
    'create: a Google column id with a space',
    'POST /api/v1/sources',
    { body: { kind: 'google_ads', name: 'N', mapping: { columns: { 'FULL NAME': 'name' } } } },
    422,
    'mapping.columns.FULL NAME',
  ],
  [
    'create: 11 signals',
    'POST /api/v1/sources',
    {
      body: {
        kind: 'webhook',
        name: 'N',
        mapping: { signals: Array.from({ length: 11 }, () => 'webinar') },
      },
    },
    422,
    'mapping.signals',
  ],
  [
    'create: a signal in capitals',
    'POST /api/v1/sources',
    { body: { kind: 'webhook', name: 'N', mapping: { signals: ['Demo'] } } },
    422,
    'mapping.signals.0',
  ],
  [
    'create: __proto__ in the mapping',
    'POST /api/v1/sources',
    {
      raw: '{"kind":"webhook","name":"N","mapping":{"__proto__":{"requireSignature":false}}}',
      type: json,
    },
    400,
  ],
  ['list: no token', 'GET /api/v1/sources', { as: 'none' }, 401],
  ['list: rep', 'GET /api/v1/sources', { as: 'rep' }, 403],
  ['list: team lead', 'GET /api/v1/sources', { as: 'lead' }, 403],
  ['get: no token', 'GET /api/v1/sources/{g}', { as: 'none' }, 401],
  ['get: team lead', 'GET /api/v1/sources/{g}', { as: 'lead' }, 403],
  ['get: unknown id', `GET /api/v1/sources/${UNKNOWN}`, {}, 404],
  ['get: SQL injection id', "GET /api/v1/sources/'%20OR%201%3D1--", {}, 404],
  ['get: id of 65 characters', `GET /api/v1/sources/${long(65)}`, {}, 422, 'id'],
  ['patch: no token', 'PATCH /api/v1/sources/{w}', { as: 'none', body: { disabled: true } }, 401],
  ['patch: rep', 'PATCH /api/v1/sources/{w}', { as: 'rep', body: { disabled: true } }, 403],
  ['patch: empty object', 'PATCH /api/v1/sources/{w}', { body: {} }, 422],
  [
    'patch: disabled "true"',
    'PATCH /api/v1/sources/{w}',
    { body: { disabled: 'true' } },
    422,
    'disabled',
  ],
  [
    'patch: changes the kind',
    'PATCH /api/v1/sources/{w}',
    { body: { kind: 'google_ads' } },
    422,
    'kind',
  ],
  ['patch: renames it', 'PATCH /api/v1/sources/{w}', { body: { name: 'Other' } }, 422, 'name'],
  [
    'patch: a Typeform mapping on a Google source',
    'PATCH /api/v1/sources/{g}',
    { body: { mapping: { fields: { a: 'name' } } } },
    422,
    'mapping.fields',
  ],
  [
    'patch: mapping is a string',
    'PATCH /api/v1/sources/{w}',
    { body: { mapping: 'x' } },
    422,
    'mapping',
  ],
  ['patch: unknown id', `PATCH /api/v1/sources/${UNKNOWN}`, { body: { disabled: true } }, 404],
  ['rotate: no token', 'POST /api/v1/sources/{w}/rotate-secret', { as: 'none' }, 401],
  ['rotate: rep', 'POST /api/v1/sources/{w}/rotate-secret', { as: 'rep' }, 403],
  ['rotate: team lead', 'POST /api/v1/sources/{w}/rotate-secret', { as: 'lead' }, 403],
  ['rotate: intake API key', 'POST /api/v1/sources/{w}/rotate-secret', { as: 'key' }, 401],
  ['rotate: unknown id', `POST /api/v1/sources/${UNKNOWN}/rotate-secret`, {}, 404],
  ['rotate: id of 65 characters', `POST /api/v1/sources/${long(65)}/rotate-secret`, {}, 422, 'id'],
  ['deliveries: no token', 'GET /api/v1/sources/{w}/deliveries', { as: 'none' }, 401],
  ['deliveries: rep', 'GET /api/v1/sources/{w}/deliveries', { as: 'rep' }, 403],
  [
    'deliveries: unknown status',
    'GET /api/v1/sources/{w}/deliveries?status=bogus',
    {},
    422,
    'status.0',
  ],
  [
    'deliveries: status twice',
    'GET /api/v1/sources/{w}/deliveries?status=invalid&status=accepted',
    {},
    422,
    'status',
  ],
  ['deliveries: limit 0', 'GET /api/v1/sources/{w}/deliveries?limit=0', {}, 422, 'limit'],
  ['deliveries: limit 1e309', 'GET /api/v1/sources/{w}/deliveries?limit=1e309', {}, 422, 'limit'],
  [
    'deliveries: cursor not ours',
    'GET /api/v1/sources/{w}/deliveries?cursor=%%%',
    {},
    422,
    'cursor',
  ],
  [
    'deliveries: an unknown parameter',
    'GET /api/v1/sources/{w}/deliveries?sourceId={g}',
    {},
    422,
    'sourceId',
  ],
  ['deliveries: unknown source', `GET /api/v1/sources/${UNKNOWN}/deliveries`, {}, 404],

  // --- Any webhook
  ['webhook: unknown source', `POST /api/v1/sources/${UNKNOWN}/webhook`, { body: lead }, 404],
  [
    'webhook: SQL injection id',
    "POST /api/v1/sources/'%20OR%201%3D1--/webhook",
    { body: lead },
    404,
  ],
  [
    'webhook: id of 65 characters',
    `POST /api/v1/sources/${long(65)}/webhook`,
    { body: lead },
    422,
    'id',
  ],
  [
    'webhook: a disabled source, with its secret',
    'POST /api/v1/sources/{d}/webhook',
    { body: lead, bearer: 'd' },
    404,
  ],
  [
    'webhook: text/plain',
    'POST /api/v1/sources/{w}/webhook',
    { raw: JSON.stringify(lead), type: 'text/plain', bearer: 'w' },
    415,
  ],
  [
    'webhook: form-encoded',
    'POST /api/v1/sources/{w}/webhook',
    { raw: 'name=Ann', type: 'application/x-www-form-urlencoded', bearer: 'w' },
    415,
  ],
  [
    'webhook: a body over 1 MiB',
    'POST /api/v1/sources/{w}/webhook',
    { raw: JSON.stringify({ ...lead, message: long(1024 * 1024) }), type: json, bearer: 'w' },
    413,
  ],

  // --- Google Ads: the key is inside the body
  ['google: empty body', 'POST /api/v1/sources/{g}/webhook', { raw: '', type: json }, 400],
  ['google: not JSON', 'POST /api/v1/sources/{g}/webhook', { raw: '{lead_id:', type: json }, 400],
  ['google: a JSON array', 'POST /api/v1/sources/{g}/webhook', { body: [google()] }, 401],
  [
    'google: no google_key',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: undefined }) },
    401,
  ],
  [
    'google: a wrong google_key',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: 'guess' }) },
    401,
  ],
  [
    'google: google_key as a number',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: 12345 }) },
    401,
  ],
  [
    'google: google_key with a trailing space',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: '{g.secret} ' }) },
    401,
  ],
  [
    "google: another source's secret as the key",
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: '{w.secret}' }) },
    401,
  ],
  [
    'google: the key as a bearer token instead',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ google_key: undefined }), bearer: 'g' },
    401,
  ],
  [
    'google: no lead_id',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ lead_id: undefined }) },
    422,
    'lead_id',
  ],
  [
    'google: lead_id of 201 characters',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ lead_id: long(201) }) },
    422,
    'lead_id',
  ],
  [
    'google: lead_id as an object',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ lead_id: { $ne: null } }) },
    422,
    'lead_id',
  ],
  [
    'google: user_column_data not an array',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ user_column_data: 'EMAIL' }) },
    422,
    'user_column_data',
  ],
  [
    'google: 501 columns',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ user_column_data: Array.from({ length: 501 }, () => ({})) }) },
    422,
    'user_column_data',
  ],
  [
    'google: a 20,001-character value',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ user_column_data: [{ column_id: 'CITY', string_value: long(20_001) }] }) },
    422,
    'user_column_data.0.string_value',
  ],
  [
    'google: form_id as an object',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ form_id: { a: 1 } }) },
    422,
    'form_id',
  ],
  [
    'google: is_test "true"',
    'POST /api/v1/sources/{g}/webhook',
    { body: google({ is_test: 'true' }) },
    422,
    'is_test',
  ],
  [
    'google: __proto__ key',
    'POST /api/v1/sources/{g}/webhook',
    { raw: '{"lead_id":"L","google_key":"{g.secret}","__proto__":{"is_test":true}}', type: json },
    400,
  ],

  // --- Typeform: an HMAC of the body in Typeform-Signature
  ['typeform: no signature', 'POST /api/v1/sources/{t}/webhook', { body: typeform() }, 401],
  [
    'typeform: sha1=',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform(), headers: { 'typeform-signature': 'sha1=abc' } },
    401,
  ],
  [
    'typeform: SHA256= in capitals',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform(), headers: { 'typeform-signature': 'SHA256=abc' } },
    401,
  ],
  [
    'typeform: an empty digest',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform(), headers: { 'typeform-signature': 'sha256=' } },
    401,
  ],
  [
    'typeform: the signature of another body',
    'POST /api/v1/sources/{t}/webhook',
    {
      body: typeform(),
      headers: {
        'typeform-signature': `sha256=${createHmac('sha256', 'x').update('{}').digest('base64')}`,
      },
    },
    401,
  ],
  [
    'typeform: the bearer secret instead of a signature',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform(), bearer: 't' },
    401,
  ],
  [
    'typeform: signed, not JSON',
    'POST /api/v1/sources/{t}/webhook',
    { raw: '{"event_id":', type: json, sign: 'typeform' },
    400,
  ],
  [
    'typeform: signed, __proto__ key',
    'POST /api/v1/sources/{t}/webhook',
    { raw: '{"event_id":"E","__proto__":{"x":1}}', type: json, sign: 'typeform' },
    400,
  ],
  [
    'typeform: signed, no event_id',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform({ event_id: undefined }), sign: 'typeform' },
    422,
    'event_id',
  ],
  [
    'typeform: signed, form_response a string',
    'POST /api/v1/sources/{t}/webhook',
    { body: typeform({ form_response: 'x' }), sign: 'typeform' },
    422,
    'form_response',
  ],
  [
    'typeform: signed, answers not an array',
    'POST /api/v1/sources/{t}/webhook',
    {
      body: typeform({ form_response: { form_id: 'F', token: 'T', answers: {} } }),
      sign: 'typeform',
    },
    422,
    'form_response.answers',
  ],
  [
    'typeform: signed, a JSON array',
    'POST /api/v1/sources/{t}/webhook',
    { body: [typeform()], sign: 'typeform' },
    422,
  ],

  // --- Generic webhook: Pounce-Signature, or the source's secret as a bearer token
  ['webhook: no credentials', 'POST /api/v1/sources/{w}/webhook', { body: lead }, 401],
  [
    'webhook: a wrong bearer secret',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, headers: { authorization: 'Bearer pnc_w_guess' } },
    401,
  ],
  [
    'webhook: an intake API key',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, as: 'key' },
    401,
  ],
  [
    "webhook: the admin's session",
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, as: 'admin' },
    401,
  ],
  [
    "webhook: another source's secret",
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, bearer: 'g' },
    401,
  ],
  [
    'webhook: the secret with Basic',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, headers: { authorization: 'Basic {w.secret}' } },
    401,
  ],
  [
    'webhook: the right secret and a wrong signature',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, bearer: 'w', headers: { 'pounce-signature': 'sha256=00' } },
    401,
  ],
  [
    'webhook: Idempotency-Key with a space',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, bearer: 'w', headers: { 'idempotency-key': 'a b' } },
    422,
    'Idempotency-Key',
  ],
  [
    'webhook: Idempotency-Key of 256 characters',
    'POST /api/v1/sources/{w}/webhook',
    { body: lead, bearer: 'w', headers: { 'idempotency-key': long(256) } },
    422,
    'Idempotency-Key',
  ],
  [
    'webhook: not JSON',
    'POST /api/v1/sources/{w}/webhook',
    { raw: '{"name":', type: json, bearer: 'w' },
    400,
  ],
  [
    'webhook: JSON null',
    'POST /api/v1/sources/{w}/webhook',
    { raw: 'null', type: json, bearer: 'w' },
    422,
    '',
  ],
  [
    'webhook: a JSON array',
    'POST /api/v1/sources/{w}/webhook',
    { body: [lead], bearer: 'w' },
    422,
    '',
  ],
  [
    'webhook: a JSON string',
    'POST /api/v1/sources/{w}/webhook',
    { raw: '"lead"', type: json, bearer: 'w' },
    422,
    '',
  ],
  [
    'webhook: __proto__ key',
    'POST /api/v1/sources/{w}/webhook',
    { raw: '{"name":"A","email":"a@b.co","__proto__":{"x":1}}', type: json, bearer: 'w' },
    400,
  ],
  [
    'webhook: constructor.prototype',
    'POST /api/v1/sources/{w}/webhook',
    {
      raw: '{"name":"A","email":"a@b.co","constructor":{"prototype":{"x":1}}}',
      type: json,
      bearer: 'w',
    },
    400,
  ],
  [
    'webhook: an invalid email',
    'POST /api/v1/sources/{w}/webhook',
    { body: { ...lead, email: 'ann' }, bearer: 'w' },
    422,
    'email',
  ],
  [
    'webhook: a name of 201 characters',
    'POST /api/v1/sources/{w}/webhook',
    { body: { ...lead, name: long(201) }, bearer: 'w' },
    422,
    'name',
  ],
  [
    'webhook: receivedAt in year 10000',
    'POST /api/v1/sources/{w}/webhook',
    { body: { ...lead, receivedAt: '+010000-01-01T00:00:00Z' }, bearer: 'w' },
    422,
    'receivedAt',
  ],
  [
    'webhook: an unknown field',
    'POST /api/v1/sources/{w}/webhook',
    { body: { ...lead, assignedTo: 'me' }, bearer: 'w' },
    422,
    'assignedTo',
  ],
  [
    'webhook: phone "NaN"',
    'POST /api/v1/sources/{w}/webhook',
    { body: { ...lead, phone: 'NaN' }, bearer: 'w' },
    422,
    'phone',
  ],
  [
    'signed-only: the right bearer, no signature',
    'POST /api/v1/sources/{ws}/webhook',
    { body: lead, bearer: 'ws' },
    401,
  ],
  [
    'signed-only: sha256= and nothing',
    'POST /api/v1/sources/{ws}/webhook',
    { body: lead, headers: { 'pounce-signature': 'sha256=' } },
    401,
  ],
  [
    'signed-only: a digest that is neither hex nor base64',
    'POST /api/v1/sources/{ws}/webhook',
    { body: lead, headers: { 'pounce-signature': 'sha256=zz!!' } },
    401,
  ],
  [
    'signed-only: signed with the wrong secret',
    'POST /api/v1/sources/{ws}/webhook',
    {
      body: lead,
      headers: {
        'pounce-signature': `sha256=${createHmac('sha256', 'guess').update(JSON.stringify(lead)).digest('hex')}`,
      },
    },
    401,
  ],
  [
    'signed-only: signed, invalid lead',
    'POST /api/v1/sources/{ws}/webhook',
    { body: { ...lead, country: 'XX' }, sign: 'hex' },
    422,
    'country',
  ],
];

/** `{g}` -> a source id, `{g.secret}` -> its secret. */
function fill(text: string): string {
  return text.replace(/\{(\w+)(\.secret)?\}/g, (_, name: string, secret?: string) => {
    const source = src[name];
    if (!source) throw new Error(`no source {${name}}`);
    return secret ? source.secret : source.id;
  });
}

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: { field: string }[] } };
}

describe('hostile requests to lead sources', () => {
  it(`has a table of at least 100 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES)('%s', async (_what, target, req, status, field) => {
    const [method = 'GET', pathTemplate = '/'] = target.split(' ');
    const path = fill(pathTemplate);
    const webhook = path.endsWith('/webhook');
    const raw = req.raw !== undefined ? fill(req.raw) : fill(JSON.stringify(req.body ?? null));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = fill(v);
    if (req.raw !== undefined || req.body !== undefined) headers['content-type'] = req.type ?? json;
    const as = req.as ?? (webhook ? 'none' : 'admin');
    if (as !== 'none') headers.authorization = `Bearer ${tokens[as] ?? ''}`;
    if (req.bearer) headers.authorization = `Bearer ${src[req.bearer]?.secret ?? ''}`;
    const secret = src[path.split('/')[4] === src.t?.id ? 't' : 'ws']?.secret ?? '';
    if (req.sign === 'typeform')
      headers['typeform-signature'] =
        `sha256=${createHmac('sha256', secret).update(raw).digest('base64')}`;
    if (req.sign === 'hex')
      headers['pounce-signature'] =
        `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

    const except = webhook ? ['source_deliveries'] : [];
    const before = dbSnapshot(s.dataDir, { except });
    const res = await http<ErrorBody>(method, `${s.url}${path}`, {
      ...(req.raw !== undefined || req.body !== undefined ? { rawBody: raw } : {}),
      headers,
    });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(res.body.error.message).toEqual(expect.any(String));
    if (field !== undefined) {
      expect(res.body.error.details?.fields?.map((f) => f.field)).toContain(field);
    }
    expect(dbSnapshot(s.dataDir, { except })).toEqual(before);
    expect((await http('GET', `${s.url}/healthz`)).status).toBe(200);
  });
});
