import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../sync-server/src/db/sqlite';
import { http, type JsonResponse } from '../helpers/http';
import { LiveClient } from '../helpers/live-client';
import {
  createTeam,
  createUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/test-server';

/*
 * Lead sources end to end: a real server on a real port over a fresh SQLite file. Senders are
 * played by plain HTTP requests carrying the documented payloads (Google Ads lead form
 * webhooks, Typeform webhooks) and the generic webhook's.
 */

interface Created {
  source: { id: string; kind: string; name: string; webhookPath: string; mapping: unknown };
  secret: string;
}
interface DeliveryAnswer {
  delivery: { id: string; status: string; leadId: string | null; issues?: { field: string }[] };
}
interface ErrorAnswer {
  error: { code: string; message: string; details?: { fields?: { field: string }[] } };
}
interface Delivery {
  id: string;
  status: string;
  reason: string | null;
  deliveryId: string | null;
  leadId: string | null;
  detail: unknown;
}
interface LeadBody {
  lead: Record<string, unknown> & { id: string; source: string; fields: Record<string, string> };
}

let s: TestServer;
let rep: TestUser;
let teamLead: TestUser;
let live: LiveClient;
const secrets: string[] = [];

beforeAll(async () => {
  // Deliveries of one fixed person, over and over: repeat inquiries (tested in repeat-inquiry.test.ts)
  // would fold them into one lead, and this file is about each delivery.
  s = await startTestServer({ lifecycle: { repeatInquiry: { windowDays: 0 } } });
  const teamId = await createTeam(s, 'Inbound');
  rep = await createUser(s, { email: 'rep@sources.test', role: 'rep', teamId, capacity: 1000 });
  teamLead = await createUser(s, { email: 'lead@sources.test', role: 'lead', teamId });
  // Online, so leads from sources are routed to the rep as any lead is.
  live = await LiveClient.connect(s.url, rep.token);
});
afterAll(async () => {
  live.close();
  await s.stop();
});

async function createSource(body: Record<string, unknown>): Promise<Created> {
  const res = await http<Created>('POST', `${s.url}/api/v1/sources`, {
    token: s.adminToken,
    body,
  });
  if (res.status !== 201)
    throw new Error(`create source: ${res.status} ${JSON.stringify(res.body)}`);
  secrets.push(res.body.secret);
  return res.body;
}

function deliver<T = DeliveryAnswer>(
  source: { webhookPath: string },
  raw: string | Buffer,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  return http<T>('POST', `${s.url}${source.webhookPath}`, {
    rawBody: raw,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

async function deliveries(sourceId: string, query = ''): Promise<Delivery[]> {
  const res = await http<{ deliveries: Delivery[] }>(
    'GET',
    `${s.url}/api/v1/sources/${sourceId}/deliveries${query}`,
    { token: s.adminToken },
  );
  expect(res.status).toBe(200);
  return res.body.deliveries;
}

/** Every lead of one `source`, through the admin's view. */
async function leadsFrom(source: string): Promise<LeadBody['lead'][]> {
  const out: LeadBody['lead'][] = [];
  let cursor: string | null = null;
  do {
    const page: JsonResponse<{ leads: LeadBody['lead'][]; nextCursor: string | null }> = await http(
      'GET',
      `${s.url}/api/v1/leads?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      {
        token: s.adminToken,
      },
    );
    out.push(...page.body.leads.filter((l) => l.source === source));
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

async function lead(id: string): Promise<LeadBody['lead']> {
  const res = await http<LeadBody>('GET', `${s.url}/api/v1/leads/${id}`, { token: s.adminToken });
  expect(res.status).toBe(200);
  return res.body.lead;
}

describe('admin routes for sources', () => {
  const routes: [string, string][] = [
    ['POST', '/api/v1/sources'],
    ['GET', '/api/v1/sources'],
    ['GET', '/api/v1/sources/x'],
    ['PATCH', '/api/v1/sources/x'],
    ['POST', '/api/v1/sources/x/rotate-secret'],
    ['GET', '/api/v1/sources/x/deliveries'],
  ];

  it('401 without a user token, or with a bad one', async () => {
    for (const [method, path] of routes) {
      const body = method === 'GET' ? undefined : { kind: 'webhook', name: 'x' };
      expect((await http(method, `${s.url}${path}`, { body })).status, path).toBe(401);
      expect(
        (await http(method, `${s.url}${path}`, { body, token: 'pnc_s_made-up' })).status,
        path,
      ).toBe(401);
    }
  });

  it('403 for reps and team leads: sources are admin business', async () => {
    for (const [method, path] of routes) {
      const body = method === 'GET' ? undefined : { kind: 'webhook', name: 'x' };
      for (const user of [rep, teamLead]) {
        const res = await http<ErrorAnswer>(method, `${s.url}${path}`, { body, token: user.token });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
  });

  it('creates a source with its webhook path and a secret shown once', async () => {
    const created = await createSource({ kind: 'webhook', name: 'Admin Made' });
    expect(created.secret).toMatch(/^pnc_w_[A-Za-z0-9_-]{43}$/);
    expect(created.source).toMatchObject({
      kind: 'webhook',
      name: 'Admin Made',
      webhookPath: `/api/v1/sources/${created.source.id}/webhook`,
      disabledAt: null,
    });

    const listed = await http<{ sources: Record<string, unknown>[] }>(
      'GET',
      `${s.url}/api/v1/sources`,
      { token: s.adminToken },
    );
    expect(listed.body.sources.map((x) => x.id)).toContain(created.source.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    const one = await http('GET', `${s.url}/api/v1/sources/${created.source.id}`, {
      token: s.adminToken,
    });
    expect(JSON.stringify(one.body)).not.toContain(created.secret);
  });

  it('409 for a name that exists (in any case); 422 naming a bad kind or mapping key', async () => {
    await createSource({ kind: 'typeform', name: 'Unique Form' });
    const again = await http<ErrorAnswer>('POST', `${s.url}/api/v1/sources`, {
      token: s.adminToken,
      body: { kind: 'webhook', name: 'unique form' },
    });
    expect(again.status).toBe(409);

    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'fax', name: 'Fax' }, 'kind'],
      [{ kind: 'webhook', name: '<script>' }, 'name'],
      [
        { kind: 'google_ads', name: 'G', mapping: { columns: { EMAIL: 'mail' } } },
        'mapping.columns.EMAIL',
      ],
      [{ kind: 'typeform', name: 'T', mapping: { feilds: {} } }, 'mapping.feilds'],
      [
        { kind: 'webhook', name: 'W', mapping: { paths: { email: 'email' } } },
        'mapping.paths.email',
      ],
      [{ kind: 'webhook', name: 'W', mapping: { signals: ['Demo Request'] } }, 'mapping.signals.0'],
    ];
    for (const [body, field] of cases) {
      const res = await http<ErrorAnswer>('POST', `${s.url}/api/v1/sources`, {
        token: s.adminToken,
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details?.fields?.map((f) => f.field)).toContain(field);
    }
  });

  it('changes the mapping and disables a source (its webhook is then 404)', async () => {
    const created = await createSource({ kind: 'google_ads', name: 'To Change' });
    const patched = await http<{ source: { mapping: unknown; disabledAt: string | null } }>(
      'PATCH',
      `${s.url}/api/v1/sources/${created.source.id}`,
      { token: s.adminToken, body: { mapping: { signals: ['demo_request'] } } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.source.mapping).toEqual({ signals: ['demo_request'] });

    const bad = await http<ErrorAnswer>('PATCH', `${s.url}/api/v1/sources/${created.source.id}`, {
      token: s.adminToken,
      body: { mapping: { paths: {} } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details?.fields?.[0]?.field).toBe('mapping.paths');

    const disabled = await http<{ source: { disabledAt: string | null } }>(
      'PATCH',
      `${s.url}/api/v1/sources/${created.source.id}`,
      { token: s.adminToken, body: { disabled: true } },
    );
    expect(disabled.body.source.disabledAt).not.toBeNull();
    const res = await deliver(created.source, googleLead(created.secret));
    expect(res.status).toBe(404);
    expect(await deliveries(created.source.id)).toEqual([]);
  });

  it('404 for the webhook of a source that does not exist', async () => {
    const res = await deliver(
      { webhookPath: '/api/v1/sources/0190aaaa-0000-7000-8000-000000000000/webhook' },
      '{}',
    );
    expect(res.status).toBe(404);
  });
});

let googleSeq = 0;
function googleLead(key: string | undefined, extra: Record<string, unknown> = {}): string {
  googleSeq += 1;
  return JSON.stringify({
    lead_id: `TeSter-${process.pid}-${googleSeq}-${Math.random().toString(36).slice(2)}`,
    user_column_data: [
      { column_name: 'Full Name', string_value: 'Grace Hopper', column_id: 'FULL_NAME' },
      { column_name: 'User Email', string_value: 'Grace@Navy-Labs.com', column_id: 'EMAIL' },
      { column_name: 'User Phone', string_value: '+1 415 555 0142', column_id: 'PHONE_NUMBER' },
      { column_name: 'Company Name', string_value: 'Navy Labs', column_id: 'COMPANY_NAME' },
      { column_name: 'Job Title', string_value: 'VP Engineering', column_id: 'JOB_TITLE' },
      { column_name: 'Country', string_value: 'United States', column_id: 'COUNTRY' },
      { column_name: 'Postal Code', string_value: '94105', column_id: 'POSTAL_CODE' },
      { column_name: 'What is your budget?', string_value: '$10k', column_id: 'BUDGET_QUESTION' },
    ],
    api_version: '1.0',
    form_id: 40000000001,
    campaign_id: 12345678901,
    adgroup_id: 20000000002,
    creative_id: 30000000003,
    gcl_id: 'EAIaIQobChMI-test',
    ...(key !== undefined && { google_key: key }),
    is_test: false,
    ...extra,
  });
}

describe('Google Ads lead form webhook', () => {
  let google: Created;
  beforeAll(async () => {
    google = await createSource({
      kind: 'google_ads',
      name: 'Google Ads Q4',
      mapping: { signals: ['demo_request'] },
    });
  });

  it('takes a lead with the right google_key: mapped, scored, routed and pushed live', async () => {
    const raw = googleLead(google.secret);
    const res = await deliver(google.source, raw);
    expect(res.status).toBe(201);
    expect(res.body.delivery).toMatchObject({ status: 'accepted' });
    const leadId = res.body.delivery.leadId ?? '';
    const stored = await lead(leadId);
    expect(stored).toMatchObject({
      source: 'Google Ads Q4',
      externalId: (JSON.parse(raw) as { lead_id: string }).lead_id,
      name: 'Grace Hopper',
      email: 'grace@navy-labs.com',
      phone: '+14155550142',
      company: 'Navy Labs',
      title: 'VP Engineering',
      country: 'US',
      status: 'assigned',
      assignedTo: rep.id,
    });
    expect(stored.fields).toMatchObject({
      postal_code: '94105',
      budget_question: '$10k',
      google_campaign_id: '12345678901',
      google_form_id: '40000000001',
      google_gcl_id: 'EAIaIQobChMI-test',
    });
    await live.next((m) => m.type === 'lead.assigned' && m.lead.id === leadId);
  });

  it('401 for a wrong or missing google_key, recorded, and nothing else written', async () => {
    const before = (await leadsFrom('Google Ads Q4')).length;
    const wrong = await deliver<ErrorAnswer>(google.source, googleLead('not-the-key'));
    const missing = await deliver<ErrorAnswer>(google.source, googleLead(undefined));
    const empty = await deliver<ErrorAnswer>(google.source, googleLead(''));
    for (const res of [wrong, missing, empty]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect(wrong.body.error.message).toContain('google_key does not match');
    expect(missing.body.error.message).toContain('google_key missing');
    expect((await leadsFrom('Google Ads Q4')).length).toBe(before);
    const rejected = await deliveries(google.source.id, '?status=rejected_verification');
    expect(rejected.map((d) => d.reason)).toEqual(
      expect.arrayContaining(["google_key does not match the source's key", 'google_key missing']),
    );
    expect(rejected.every((d) => d.leadId === null && d.detail === null)).toBe(true);
  });

  it('keeps test leads apart: recorded with their mapped lead, never a lead', async () => {
    const before = (await leadsFrom('Google Ads Q4')).length;
    const res = await deliver(google.source, googleLead(google.secret, { is_test: true }));
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: 'test', leadId: null });
    expect((await leadsFrom('Google Ads Q4')).length).toBe(before);
    const [test] = await deliveries(google.source.id, '?status=test');
    expect(test?.detail).toMatchObject({
      lead: { name: 'Grace Hopper', email: 'grace@navy-labs.com', phone: '+14155550142' },
    });
  });

  it('a lead_id sent again creates nothing new (also when sent concurrently)', async () => {
    const raw = googleLead(google.secret);
    const first = await deliver(google.source, raw);
    const again = await deliver(google.source, raw);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.delivery).toMatchObject({
      status: 'duplicate',
      leadId: first.body.delivery.leadId,
    });

    const before = (await leadsFrom('Google Ads Q4')).length;
    const burst = googleLead(google.secret);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => deliver(google.source, burst)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.delivery.leadId)).size).toBe(1);
    expect((await leadsFrom('Google Ads Q4')).length).toBe(before + 1);
  });

  it('answers 200 for a lead that fails validation (a retry would not fix it) and records why', async () => {
    const raw = JSON.stringify({
      lead_id: `no-contact-${Date.now()}`,
      user_column_data: [{ column_id: 'FULL_NAME', string_value: 'No Contact' }],
      google_key: google.secret,
    });
    const res = await deliver(google.source, raw);
    expect(res.status).toBe(200);
    expect(res.body.delivery.status).toBe('invalid');
    expect(res.body.delivery.issues?.map((i) => i.field)).toEqual(['email']);
    const [invalid] = await deliveries(google.source.id, '?status=invalid');
    expect(invalid?.reason).toContain('email: email or phone is required');
  });

  it('400 for a body that is not JSON; 422 for JSON that is not a Google lead', async () => {
    expect((await deliver(google.source, '{"lead_id": ')).status).toBe(400);
    const res = await deliver<ErrorAnswer>(
      google.source,
      JSON.stringify({ google_key: google.secret, user_column_data: [] }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.details?.fields?.[0]?.field).toBe('lead_id');
  });
});

/** A Typeform `form_response` event, as their example payload has it. */
const SUBMITTED_AT = new Date(Math.floor(Date.now() / 1000 - 60) * 1000).toISOString();

function typeformEvent(overrides: { eventId?: string; token?: string; type?: string } = {}) {
  const n = Math.random().toString(36).slice(2);
  return JSON.stringify({
    event_id: overrides.eventId ?? `01HTEST${n}`,
    event_type: overrides.type ?? 'form_response',
    form_response: {
      form_id: 'lT4Z3j',
      token: overrides.token ?? `tok${n}`,
      landed_at: SUBMITTED_AT,
      submitted_at: SUBMITTED_AT,
      hidden: { utm_campaign: 'winter', email: 'ignored-when-answered@acme.test' },
      definition: {
        id: 'lT4Z3j',
        title: 'Request a demo',
        fields: [
          { id: 'f1', title: 'Your name', type: 'short_text', ref: 'who' },
          { id: 'f2', title: 'Work email', type: 'email', ref: 'f-email-7a1' },
          { id: 'f3', title: 'Company', type: 'short_text', ref: 'company' },
          { id: 'f4', title: 'Team size', type: 'multiple_choice', ref: 'size-ref' },
          { id: 'f5', title: 'Phone', type: 'phone_number', ref: 'p-ref' },
          { id: 'f6', title: 'Tell us more', type: 'long_text', ref: 'more' },
          { id: 'f7', title: 'Subscribe?', type: 'yes_no', ref: 'sub' },
        ],
      },
      answers: [
        { type: 'text', text: 'Ada Lovelace', field: { id: 'f1', type: 'short_text', ref: 'who' } },
        {
          type: 'email',
          email: 'ada@engines.example',
          field: { id: 'f2', type: 'email', ref: 'f-email-7a1' },
        },
        {
          type: 'text',
          text: 'Analytical Engines',
          field: { id: 'f3', type: 'short_text', ref: 'company' },
        },
        {
          type: 'choice',
          choice: { label: '50-200' },
          field: { id: 'f4', type: 'multiple_choice', ref: 'size-ref' },
        },
        {
          type: 'phone_number',
          phone_number: '+442071838750',
          field: { id: 'f5', type: 'phone_number', ref: 'p-ref' },
        },
        {
          type: 'text',
          text: 'We want a demo for our sales team this month.',
          field: { id: 'f6', type: 'long_text', ref: 'more' },
        },
        { type: 'boolean', boolean: true, field: { id: 'f7', type: 'yes_no', ref: 'sub' } },
      ],
    },
  });
}

const typeformSign = (secret: string, raw: string) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('base64')}`;

describe('Typeform webhook', () => {
  let form: Created;
  beforeAll(async () => {
    form = await createSource({
      kind: 'typeform',
      name: 'Demo Form',
      mapping: { fields: { who: 'name', more: 'message', sub: null }, signals: ['demo_request'] },
    });
  });

  it('takes a signed submission, mapping answers by field ref', async () => {
    const raw = typeformEvent();
    const res = await deliver(form.source, raw, {
      'typeform-signature': typeformSign(form.secret, raw),
    });
    expect(res.status).toBe(201);
    const stored = await lead(res.body.delivery.leadId ?? '');
    const event = JSON.parse(raw) as { form_response: { token: string } };
    expect(stored).toMatchObject({
      source: 'Demo Form',
      externalId: event.form_response.token,
      name: 'Ada Lovelace', // explicit mapping of ref "who"
      email: 'ada@engines.example', // an email answer
      company: 'Analytical Engines', // ref "company" names the lead field
      phone: '+442071838750',
      message: 'We want a demo for our sales team this month.',
      receivedAt: SUBMITTED_AT,
      status: 'assigned',
    });
    expect(stored.fields).toEqual({
      'Team size': '50-200', // unmapped: under the question's title
      utm_campaign: 'winter',
      email: 'ignored-when-answered@acme.test', // a second email is kept, not lost
      typeform_form_id: 'lT4Z3j',
    });
  });

  it('401 for a bad, missing, wrongly prefixed or hex signature, or a tampered body', async () => {
    const raw = typeformEvent();
    const good = typeformSign(form.secret, raw);
    const hex = `sha256=${createHmac('sha256', form.secret).update(raw).digest('hex')}`;
    const cases: [string, string, Record<string, string>, string][] = [
      [
        'other secret',
        raw,
        { 'typeform-signature': typeformSign('pnc_w_other', raw) },
        'does not match',
      ],
      ['missing', raw, {}, 'signature missing'],
      ['sha1 prefix', raw, { 'typeform-signature': good.replace('sha256=', 'sha1=') }, 'sha256='],
      ['no prefix', raw, { 'typeform-signature': good.slice('sha256='.length) }, 'sha256='],
      ['hex digest', raw, { 'typeform-signature': hex }, 'base64'],
      [
        'tampered body',
        raw.replace('Ada Lovelace', 'Eve Intruder'),
        { 'typeform-signature': good },
        'does not match',
      ],
    ];
    for (const [what, body, headers, reason] of cases) {
      const res = await deliver<ErrorAnswer>(form.source, body, headers);
      expect(res.status, what).toBe(401);
      expect(res.body.error.message, what).toContain(reason);
    }
    expect(await leadsFrom('Eve Intruder')).toEqual([]);
    const rejected = await deliveries(form.source.id, '?status=rejected_verification');
    expect(rejected.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('an event sent again creates nothing new', async () => {
    const raw = typeformEvent();
    const headers = { 'typeform-signature': typeformSign(form.secret, raw) };
    const first = await deliver(form.source, raw, headers);
    const again = await deliver(form.source, raw, headers);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.delivery).toMatchObject({
      status: 'duplicate',
      leadId: first.body.delivery.leadId,
    });
    // Another event for the same response (same token): the lead exists.
    const token = (JSON.parse(raw) as { form_response: { token: string } }).form_response.token;
    const other = typeformEvent({ token });
    const third = await deliver(form.source, other, {
      'typeform-signature': typeformSign(form.secret, other),
    });
    expect(third.status).toBe(200);
    expect(third.body.delivery).toMatchObject({
      status: 'duplicate',
      leadId: first.body.delivery.leadId,
    });
  });

  it('records an event that is not a submission and makes no lead', async () => {
    const raw = typeformEvent({ type: 'form_response_partial' });
    const res = await deliver(form.source, raw, {
      'typeform-signature': typeformSign(form.secret, raw),
    });
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: 'invalid', leadId: null });
  });

  it('a rotated secret takes over at once', async () => {
    const rotated = await http<{ secret: string }>(
      'POST',
      `${s.url}/api/v1/sources/${form.source.id}/rotate-secret`,
      { token: s.adminToken },
    );
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.secret);
    const raw = typeformEvent();
    const old = await deliver(form.source, raw, {
      'typeform-signature': typeformSign(form.secret, raw),
    });
    expect(old.status).toBe(401);
    const renewed = await deliver(form.source, raw, {
      'typeform-signature': typeformSign(rotated.body.secret, raw),
    });
    expect(renewed.status).toBe(201);
    form = { ...form, secret: rotated.body.secret };
  });
});

const hexSign = (secret: string, raw: string | Buffer) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('generic webhook', () => {
  let hook: Created;
  let strict: Created;
  let pathed: Created;
  beforeAll(async () => {
    hook = await createSource({ kind: 'webhook', name: 'Website' });
    strict = await createSource({
      kind: 'webhook',
      name: 'Signed Only',
      mapping: { requireSignature: true },
    });
    pathed = await createSource({
      kind: 'webhook',
      name: 'Partner Feed',
      mapping: {
        paths: {
          '/contact/full_name': 'name',
          '/contact/emails/0': 'email',
          '/company/name': 'company',
          '/meta/id': 'externalId',
          '/meta/campaign': 'fields.campaign',
        },
        signals: ['pricing_page'],
      },
    });
  });

  const body = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      name: 'Linus Pauling',
      email: `linus${Math.random().toString(36).slice(2)}@chem.example`,
      company: 'Chem Co',
      signals: [{ type: 'demo_request' }],
      ...extra,
    });

  it('takes the public API body with an HMAC signature (hex or base64) or the bearer secret', async () => {
    const a = body({ source: 'whatever the sender says' });
    const signed = await deliver(hook.source, a, { 'pounce-signature': hexSign(hook.secret, a) });
    expect(signed.status).toBe(201);
    expect((await lead(signed.body.delivery.leadId ?? '')).source).toBe('Website');

    const b = body();
    const b64 = `sha256=${createHmac('sha256', hook.secret).update(b).digest('base64')}`;
    expect((await deliver(hook.source, b, { 'pounce-signature': b64 })).status).toBe(201);

    const bearer = await deliver(hook.source, body(), { authorization: `Bearer ${hook.secret}` });
    expect(bearer.status).toBe(201);
  });

  it('401 without proof, with a bad signature (even beside a good bearer), or a bad bearer', async () => {
    const raw = body();
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer pnc_w_wrong' },
      { authorization: `Bearer ${hook.secret}`, 'pounce-signature': hexSign('other', raw) },
      { 'pounce-signature': 'sha256=abc' },
    ];
    for (const headers of cases) {
      const res = await deliver<ErrorAnswer>(hook.source, raw, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('a source that requires signatures refuses the bearer secret', async () => {
    const raw = body();
    expect(
      (await deliver(strict.source, raw, { authorization: `Bearer ${strict.secret}` })).status,
    ).toBe(401);
    expect(
      (await deliver(strict.source, raw, { 'pounce-signature': hexSign(strict.secret, raw) }))
        .status,
    ).toBe(201);
  });

  it('picks values out of any JSON by pointer when the source maps paths', async () => {
    const raw = JSON.stringify({
      contact: { full_name: 'Rosalind Franklin', emails: ['rf@kings.example', 'x@y.example'] },
      company: { name: "King's College" },
      meta: { id: `feed-${Date.now()}`, campaign: 'dna' },
    });
    const res = await deliver(pathed.source, raw, {
      'pounce-signature': hexSign(pathed.secret, raw),
    });
    expect(res.status).toBe(201);
    const stored = await lead(res.body.delivery.leadId ?? '');
    expect(stored).toMatchObject({
      source: 'Partner Feed',
      name: 'Rosalind Franklin',
      email: 'rf@kings.example',
      company: "King's College",
      fields: { campaign: 'dna' },
      signals: [expect.objectContaining({ type: 'pricing_page' })],
    });
  });

  it('422 naming the field for a lead that fails validation, recorded as invalid', async () => {
    const raw = body({ email: 'not-an-email' });
    const res = await deliver<ErrorAnswer>(hook.source, raw, {
      'pounce-signature': hexSign(hook.secret, raw),
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details?.fields?.map((f) => f.field)).toEqual(['email']);
    const [invalid] = await deliveries(hook.source.id, '?status=invalid');
    expect(invalid?.reason).toContain('email: must be an email address');
  });

  it('a body sent again (same bytes, or the same Idempotency-Key) creates nothing new', async () => {
    const raw = body();
    const headers = { 'pounce-signature': hexSign(hook.secret, raw) };
    const first = await deliver(hook.source, raw, headers);
    const again = await deliver(hook.source, raw, headers);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.delivery.leadId).toBe(first.body.delivery.leadId);

    const keyed = { authorization: `Bearer ${hook.secret}`, 'idempotency-key': `k-${Date.now()}` };
    const x = await deliver(hook.source, body(), keyed);
    const y = await deliver(hook.source, body(), keyed);
    expect([x.status, y.status]).toEqual([201, 200]);
    expect(y.body.delivery.leadId).toBe(x.body.delivery.leadId);
  });

  it('keeps the server body rules: 413 over 1 MiB, 415 for other media types, 400 for bad JSON', async () => {
    const auth = { authorization: `Bearer ${hook.secret}` };
    const huge = body({ message: 'x'.repeat(1024 * 1024 + 10) });
    expect((await deliver(hook.source, huge, auth)).status).toBe(413);
    const plain = await http('POST', `${s.url}${hook.source.webhookPath}`, {
      rawBody: body(),
      headers: { 'content-type': 'text/plain', ...auth },
    });
    expect(plain.status).toBe(415);
    expect((await deliver(hook.source, '{"name":', auth)).status).toBe(400);
    expect((await deliver(hook.source, '', auth)).status).toBe(400);
    expect((await deliver(hook.source, '[1,2]', auth)).status).toBe(422);
    expect(
      (await deliver(hook.source, '{"name":"A","email":"a@b.co","__proto__":{"x":1}}', auth))
        .status,
    ).toBe(400);
  });
});

describe('recorded deliveries', () => {
  it('lists every delivery newest first, filters failed ones, and pages', async () => {
    const src = await createSource({ kind: 'webhook', name: 'Paged' });
    const auth = { authorization: `Bearer ${src.secret}` };
    for (let i = 0; i < 3; i++)
      await deliver(
        src.source,
        JSON.stringify({ name: `P ${i}`, email: `p${i}@paged.example` }),
        auth,
      );
    await deliver(src.source, '{}', { authorization: 'Bearer pnc_w_nope' });
    await deliver(src.source, JSON.stringify({ name: 'No Contact' }), auth);

    const all = await deliveries(src.source.id);
    expect(all.map((d) => d.status)).toEqual([
      'invalid',
      'rejected_verification',
      'accepted',
      'accepted',
      'accepted',
    ]);
    const failed = await deliveries(src.source.id, '?status=failed');
    expect(failed.map((d) => d.status)).toEqual(['invalid', 'rejected_verification']);

    const page1 = await http<{ deliveries: Delivery[]; nextCursor: string | null }>(
      'GET',
      `${s.url}/api/v1/sources/${src.source.id}/deliveries?limit=2`,
      { token: s.adminToken },
    );
    expect(page1.body.deliveries).toHaveLength(2);
    const page2 = await http<{ deliveries: Delivery[]; nextCursor: string | null }>(
      'GET',
      `${s.url}/api/v1/sources/${src.source.id}/deliveries?limit=2&cursor=${page1.body.nextCursor ?? ''}`,
      { token: s.adminToken },
    );
    expect(page2.body.deliveries.map((d) => d.id)).toEqual(all.slice(2, 4).map((d) => d.id));

    const bad = await http<ErrorAnswer>(
      'GET',
      `${s.url}/api/v1/sources/${src.source.id}/deliveries?status=lost`,
      { token: s.adminToken },
    );
    expect(bad.status).toBe(422);
    expect(
      (await http('GET', `${s.url}/api/v1/sources/nope/deliveries`, { token: s.adminToken }))
        .status,
    ).toBe(404);
  });
});

/** The real admin CLI as its own process, on the running server's data folder. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = resolve(__dirname, '../..');
  return new Promise((done) => {
    const child = spawn(
      resolve(root, 'node_modules/.bin/tsx'),
      ['sync-server/src/cli/admin.ts', ...args, '--data-dir', s.dataDir],
      { cwd: root, env: { ...process.env, POUNCE_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('admin CLI for sources', () => {
  it('creates a source whose printed secret the running server accepts', async () => {
    const mappingFile = join(s.dataDir, 'cli-mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ fields: { who: 'name' } }));
    const run = await cli(
      'sources',
      'create',
      '--kind',
      'typeform',
      '--name',
      'CLI Form',
      '--mapping',
      mappingFile,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const created = JSON.parse(run.stdout) as Created;
    secrets.push(created.secret);
    expect(created.source).toMatchObject({
      kind: 'typeform',
      mapping: { fields: { who: 'name' } },
    });

    const raw = typeformEvent();
    const res = await deliver(created.source, raw, {
      'typeform-signature': typeformSign(created.secret, raw),
    });
    expect(res.status).toBe(201);
    expect((await lead(res.body.delivery.leadId ?? '')).name).toBe('Ada Lovelace');

    await deliver(created.source, raw, { 'typeform-signature': 'sha256=nope' });
    const failed = await cli('sources', 'deliveries', '--source', 'CLI Form', '--failed', '--json');
    expect(failed.code, failed.stderr).toBe(0);
    const { deliveries: shown } = JSON.parse(failed.stdout) as { deliveries: Delivery[] };
    expect(shown.map((d) => d.status)).toEqual(['rejected_verification']);
    const table = await cli('sources', 'deliveries', '--source', 'CLI Form');
    expect(table.stdout).toContain('accepted');
    expect(table.stdout).toContain('Typeform-Signature: signature is not a base64 SHA-256 digest');

    const list = await cli('sources', 'list', '--json');
    expect(list.stdout).toContain('CLI Form');
    expect(list.stdout).not.toContain(created.secret);

    const rotated = await cli('sources', 'rotate-secret', '--source', created.source.id);
    expect(rotated.code, rotated.stderr).toBe(0);
    const secret = /Secret:\s+(pnc_w_\S+)/.exec(rotated.stdout)?.[1] ?? '';
    secrets.push(secret);
    expect(secret).not.toBe(created.secret);
    expect(rotated.stdout).toContain(created.source.webhookPath);
    const again = typeformEvent();
    expect(
      (await deliver(created.source, again, { 'typeform-signature': typeformSign(secret, again) }))
        .status,
    ).toBe(201);
  }, 60_000);

  it('names the flag of a bad kind or mapping, with exit 2', async () => {
    const kind = await cli('sources', 'create', '--kind', 'fax', '--name', 'Fax');
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind:');

    const mappingFile = join(s.dataDir, 'bad-mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ columns: { EMAIL: 'mail' } }));
    const mapping = await cli(
      'sources',
      'create',
      '--kind',
      'google_ads',
      '--name',
      'Bad Map',
      '--mapping',
      mappingFile,
    );
    expect(mapping.code).toBe(2);
    expect(mapping.stderr).toContain('--mapping columns.EMAIL: must be a lead field');

    const update = await cli('sources', 'update', '--source', 'CLI Form', '--mapping', mappingFile);
    expect(update.code).toBe(2);
    expect(update.stderr).toContain('--mapping columns: unknown field');

    const missing = await cli('sources', 'rotate-secret', '--source', 'No Such');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('source "No Such" not found');
  }, 60_000);
});

describe('secrets at rest', () => {
  it('no secret is in the database files in plain text; the key file is 0600', () => {
    expect(secrets.length).toBeGreaterThan(5);
    const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`]
      .map((f) => join(s.dataDir, f))
      .filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      // Nor its random part alone, nor in UTF-16.
      expect(bytes.includes(Buffer.from(secret.slice('pnc_w_'.length), 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
    }
    const keyFile = join(s.dataDir, 'source-secrets.key');
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});
