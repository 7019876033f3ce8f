import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePointer, mapWebhookBody } from '../../sync-server/src/sources/generic-webhook';
import { GoogleLeadSchema, mapGoogleLead } from '../../sync-server/src/sources/google-ads';
import { LeadDraft, normaliseCountry } from '../../sync-server/src/sources/mapping';
import { openSecretBox, SecretBox, SecretBoxError } from '../../sync-server/src/sources/secret-box';
import {
  answerText,
  mapTypeformResponse,
  TypeformEventSchema,
} from '../../sync-server/src/sources/typeform';
import { matchesHash, sha256Hex, verifySignature } from '../../sync-server/src/sources/verify';
import { parseJsonBody } from '../../sync-server/src/sources/webhook-intake';

const dir = mkdtempSync(join(tmpdir(), 'pounce-sources-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verifySignature', () => {
  const body = Buffer.from('{"a":1}');
  const secret = 's3cret';
  const b64 = createHmac('sha256', secret).update(body).digest('base64');
  const hex = createHmac('sha256', secret).update(body).digest('hex');

  it('accepts the right digest in the encodings allowed', () => {
    expect(verifySignature(`sha256=${b64}`, secret, body, ['base64'])).toEqual({ ok: true });
    expect(verifySignature(`sha256=${hex}`, secret, body, ['hex', 'base64'])).toEqual({ ok: true });
  });

  it('refuses a missing, repeated, wrongly prefixed, mis-encoded or wrong signature', () => {
    const reason = (
      header: string | string[] | undefined,
      enc: ('hex' | 'base64')[] = ['base64'],
    ) => {
      const check = verifySignature(header, secret, body, enc);
      return check.ok ? 'ok' : check.reason;
    };
    expect(reason(undefined)).toBe('signature missing');
    expect(reason('')).toBe('signature missing');
    expect(reason([`sha256=${b64}`, `sha256=${b64}`])).toBe('signature sent more than once');
    expect(reason(`sha1=${b64}`)).toBe('signature must start with "sha256="');
    expect(reason(b64)).toBe('signature must start with "sha256="');
    expect(reason(`sha256=${hex}`)).toBe('signature is not a base64 SHA-256 digest');
    expect(reason(`sha256=${b64.slice(0, -2)}`)).toBe('signature is not a base64 SHA-256 digest');
    const other = createHmac('sha256', 'other').update(body).digest('base64');
    expect(reason(`sha256=${other}`)).toBe('signature does not match the body');
  });

  it('compares hashed secrets by value', () => {
    expect(matchesHash('abc', sha256Hex('abc'))).toBe(true);
    expect(matchesHash('abd', sha256Hex('abc'))).toBe(false);
    expect(matchesHash('', sha256Hex('abc'))).toBe(false);
  });
});

describe('SecretBox', () => {
  it('seals and opens for the same context only, and names a wrong key', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.seal('pnc_w_secret', 'lead_sources:a');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('pnc_w_secret');
    expect(box.open(sealed, 'lead_sources:a')).toBe('pnc_w_secret');
    expect(() => box.open(sealed, 'lead_sources:b')).toThrow(SecretBoxError);
    expect(box.seal('pnc_w_secret', 'lead_sources:a')).not.toBe(sealed); // fresh IV
    const other = new SecretBox(Buffer.alloc(32, 8));
    expect(() => other.open(sealed, 'lead_sources:a')).toThrow(/another server key/);
    expect(() => box.open('v1.xx', 'lead_sources:a')).toThrow(/not in a known format/);
  });

  it('creates the key file once, 0600, and reads the same key after', () => {
    const file = join(dir, 'nested', 'key');
    const a = openSecretBox(file);
    const b = openSecretBox(file);
    expect(a.keyId).toBe(b.keyId);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('refuses a key file that is not 32 bytes of base64', () => {
    const file = join(dir, 'bad-key');
    writeFileSync(file, 'too short');
    expect(() => openSecretBox(file)).toThrow(/must hold 32 bytes/);
  });
});

describe('mapping helpers', () => {
  it('normalises country codes and English names', () => {
    expect(normaliseCountry('de')).toBe('DE');
    expect(normaliseCountry('Germany')).toBe('DE');
    expect(normaliseCountry('united states')).toBe('US');
    expect(normaliseCountry('USA')).toBe('US');
    expect(normaliseCountry("Côte d'Ivoire")).toBe('CI');
    expect(normaliseCountry('Atlantis')).toBe('Atlantis');
  });

  it('keeps a second value for a lead field as a custom field, and holds fields to the limits', () => {
    const draft = new LeadDraft();
    draft.set('email', 'a@b.co', 'EMAIL');
    draft.set('email', 'c@d.co', 'work_email');
    draft.field('__proto__', 'x');
    draft.field('long', 'y'.repeat(2500));
    for (let i = 0; i < 60; i++) draft.field(`f${i}`, 'v');
    const body = draft.toBody('src', ['contact_form']);
    const fields = body.fields as Record<string, string>;
    expect(body.email).toBe('a@b.co');
    expect(fields.work_email).toBe('c@d.co');
    expect(fields.proto).toBe('x');
    expect(fields.long).toHaveLength(2000);
    expect(Object.keys(fields)).toHaveLength(50);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(draft.notes.some((n) => n.includes('cut field "long"'))).toBe(true);
    expect(draft.notes.some((n) => n.includes('at most 50'))).toBe(true);
    expect(body.signals).toEqual([{ type: 'contact_form' }]);
  });

  it('resolves JSON pointers (RFC 6901)', () => {
    const doc = { a: { 'b/c': [10, { '~d': 'x' }] } };
    expect(resolvePointer(doc, '/a/b~1c/0')).toBe(10);
    expect(resolvePointer(doc, '/a/b~1c/1/~0d')).toBe('x');
    expect(resolvePointer(doc, '/a/missing')).toBeUndefined();
    expect(resolvePointer(doc, '/a/b~1c/01')).toBeUndefined();
    expect(resolvePointer(doc, '/a/constructor')).toBeUndefined();
  });

  it('refuses JSON with prototype keys, as the rest of the API does', () => {
    expect(parseJsonBody(Buffer.from('{"a":{"__proto__":{"x":1}}}')).ok).toBe(false);
    expect(parseJsonBody(Buffer.from('{"constructor":{"prototype":{}}}')).ok).toBe(false);
    expect(parseJsonBody(Buffer.from('{"constructor":"fine"}')).ok).toBe(true);
    expect(parseJsonBody(Buffer.alloc(0)).ok).toBe(false);
  });
});

describe('Google Ads mapping', () => {
  it('maps documented column ids, custom questions, ids and test flags', () => {
    const lead = GoogleLeadSchema.parse({
      lead_id: 'L1',
      user_column_data: [
        { column_id: 'FIRST_NAME', string_value: 'Ann' },
        { column_id: 'LAST_NAME', string_value: 'Lee' },
        { column_id: 'WORK_EMAIL', string_value: 'ann@acme.io' },
        { column_id: 'CITY', string_value: 'Berlin' },
        { column_id: 'SECRET_Q', string_value: 'drop me' },
        { column_name: 'No id', string_value: 'kept by name' },
      ],
      campaign_id: 7,
      is_test: true,
      lead_submit_time: '2026-11-30T10:00:00Z',
      some_future_field: { ignored: true },
    });
    const mapped = mapGoogleLead(lead, { columns: { SECRET_Q: null }, signals: ['webinar'] }, 'G');
    expect(mapped).toMatchObject({ deliveryId: 'L1', isTest: true });
    expect(mapped.body).toEqual({
      source: 'G',
      externalId: 'L1',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@acme.io',
      receivedAt: '2026-11-30T10:00:00.000Z',
      fields: { city: 'Berlin', 'No id': 'kept by name', google_campaign_id: '7' },
      signals: [{ type: 'webinar' }],
    });
  });
});

describe('Typeform mapping', () => {
  it('reads each documented answer type as text', () => {
    const field = { id: 'x' };
    expect(answerText({ type: 'number', number: 42, field })).toBe('42');
    expect(answerText({ type: 'boolean', boolean: false, field })).toBe('no');
    expect(answerText({ type: 'choice', choice: { label: 'A' }, field })).toBe('A');
    expect(answerText({ type: 'choice', choice: { other: 'Mine' }, field })).toBe('Mine');
    expect(
      answerText({ type: 'choices', choices: { labels: ['A', 'B'], other: 'C' }, field }),
    ).toBe('A, B, C');
    expect(answerText({ type: 'date', date: '2026-12-24', field })).toBe('2026-12-24');
    expect(answerText({ type: 'url', url: 'https://x.io', field })).toBe('https://x.io');
    expect(answerText({ type: 'payment', payment: { amount: '10.00' }, field })).toBe('10.00');
    expect(answerText({ type: 'file_url', field })).toBeUndefined();
  });

  it('maps by explicit ref, by ref name, by answer type, else by question title', () => {
    const event = TypeformEventSchema.parse({
      event_id: 'E1',
      event_type: 'form_response',
      form_response: {
        form_id: 'F',
        token: 'T',
        submitted_at: '2026-11-30T10:00:00Z',
        hidden: { utm_source: 'ads', last_name: 'Lee' },
        definition: { fields: [{ id: 'q4', ref: 'uuid-4', title: 'Budget?' }] },
        answers: [
          { type: 'text', text: 'Ann', field: { id: 'q1', ref: 'r-first' } },
          { type: 'email', email: 'ann@acme.io', field: { id: 'q2', ref: 'uuid-2' } },
          { type: 'text', text: 'VP', field: { id: 'q3', ref: 'job_title' } },
          { type: 'number', number: 5000, field: { id: 'q4', ref: 'uuid-4' } },
        ],
      },
    });
    const mapped = mapTypeformResponse(event, { fields: { 'r-first': 'firstName' } }, 'TF');
    expect(mapped.deliveryId).toBe('E1');
    expect(mapped.body).toEqual({
      source: 'TF',
      externalId: 'T',
      firstName: 'Ann',
      email: 'ann@acme.io',
      title: 'VP',
      lastName: 'Lee',
      receivedAt: '2026-11-30T10:00:00.000Z',
      fields: { 'Budget?': '5000', utm_source: 'ads', typeform_form_id: 'F' },
      signals: [{ type: 'contact_form' }],
    });
  });
});

describe('generic webhook mapping', () => {
  it('uses the Idempotency-Key, else externalId, else the body hash as the delivery id', () => {
    const raw = Buffer.from('{"name":"A"}');
    const m = (body: Record<string, unknown>, key: string | null) =>
      mapWebhookBody(body, raw, {}, 'W', key).deliveryId;
    expect(m({ name: 'A' }, 'k1')).toBe('k1');
    expect(m({ name: 'A', externalId: 'x9' }, null)).toBe('x9');
    expect(m({ name: 'A' }, null)).toBe(`sha256:${sha256Hex(raw)}`);
  });

  it("replaces the sender's source and appends the source's signals", () => {
    const mapped = mapWebhookBody(
      { source: 'spoofed', name: 'A', signals: [{ type: 'demo_request' }] },
      Buffer.from(''),
      { signals: ['webinar'] },
      'W',
      null,
    );
    expect(mapped.body).toEqual({
      source: 'W',
      name: 'A',
      signals: [{ type: 'demo_request' }, { type: 'webinar' }],
    });
  });
});
