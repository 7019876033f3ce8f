import { describe, expect, it } from 'vitest';
import { leadInputSchema, SENT_RECEIVED_AT_FIELD } from '../../src/shared/lead';
import { fieldIssues } from '../../src/shared/validation';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const parse = (raw: unknown, defaultCountry = 'US') =>
  leadInputSchema({ defaultCountry, clock: () => NOW }).safeParse(raw);

describe('lead input', () => {
  it('normalises phone numbers to E.164 using the lead country, else the default', () => {
    const us = parse({ source: 'web', name: 'A', phone: '(415) 555-0100' });
    const de = parse({ source: 'web', name: 'A', phone: '030 1234567', country: 'de' });
    const gbDefault = parse({ source: 'web', name: 'A', phone: '020 7946 0958' }, 'GB');
    expect(us.success && us.data.phone).toBe('+14155550100');
    expect(de.success && de.data.phone).toBe('+49301234567');
    expect(de.success && de.data.country).toBe('DE');
    expect(gbDefault.success && gbDefault.data.phone).toBe('+442079460958');
  });

  it('builds the name from first and last name and lower-cases the email', () => {
    const r = parse({
      source: 'web',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'Ann.Lee@Acme.COM',
    });
    expect(r.success && r.data.name).toBe('Ann Lee');
    expect(r.success && r.data.email).toBe('ann.lee@acme.com');
  });

  it('requires a name and a way to reach the person, naming the fields', () => {
    const r = parse({ source: 'web' });
    expect(r.success).toBe(false);
    if (!r.success) expect(fieldIssues(r.error).map((i) => i.field)).toEqual(['name', 'email']);
  });

  it('defaults signal times to receivedAt and rejects dates from the future', () => {
    const ok = parse({
      source: 'web',
      name: 'A',
      email: 'a@b.co',
      receivedAt: '2026-06-01T11:00:00Z',
      signals: [{ type: 'webinar' }],
    });
    expect(ok.success && ok.data.signals[0]?.at).toBe('2026-06-01T11:00:00.000Z');
    const future = parse({
      source: 'web',
      name: 'A',
      email: 'a@b.co',
      receivedAt: '2026-06-02T00:00:00Z',
    });
    expect(future.success).toBe(false);
    if (!future.success) expect(fieldIssues(future.error)[0]?.field).toBe('receivedAt');
  });

  it('rejects dates before 2000-01-01 (a CRM placeholder, before 1970), naming the field', () => {
    const lead = { source: 'web', name: 'A', email: 'a@b.co' };
    const old = parse({ ...lead, receivedAt: '1969-12-31T23:59:59.999Z' });
    expect(old.success).toBe(false);
    if (!old.success)
      expect(fieldIssues(old.error)).toEqual([
        { field: 'receivedAt', message: 'is before 2000-01-01' },
      ]);
    const signal = parse({ ...lead, signals: [{ type: 'webinar', at: '1900-01-01T00:00:00Z' }] });
    expect(signal.success).toBe(false);
    if (!signal.success)
      expect(fieldIssues(signal.error)).toEqual([
        { field: 'signals.0.at', message: 'is before 2000-01-01' },
      ]);
    expect(parse({ ...lead, receivedAt: '2000-01-01T00:00:00Z' }).success).toBe(true);
  });

  it('bounds by the clock at each parse, not when the schema was built', () => {
    let now = NOW;
    const schema = leadInputSchema({ defaultCountry: 'US', clock: () => now });
    const lead = { source: 'web', name: 'A', email: 'a@b.co', receivedAt: '2026-06-01T13:00:00Z' };
    expect(schema.safeParse(lead).success).toBe(false);
    now = NOW + 2 * 3600_000;
    expect(schema.safeParse(lead).success).toBe(true);
  });

  it('for a lead source, a date outside the window becomes the receive time, the sent one kept', () => {
    const schema = leadInputSchema({
      defaultCountry: 'US',
      clock: () => NOW,
      sourceDates: 'receiveTime',
    });
    const r = schema.safeParse({
      source: 'crm',
      name: 'A',
      email: 'a@b.co',
      receivedAt: '1900-01-01T00:00:00Z',
      signals: [{ type: 'webinar', at: '2999-01-01T00:00:00Z' }, { type: 'newsletter' }],
      fields: { Plan: 'Pro' },
    });
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.receivedAt).toBe(NOW);
    expect(r.data.signals.map((x) => x.at)).toEqual([
      new Date(NOW).toISOString(),
      new Date(NOW).toISOString(),
    ]);
    expect(r.data.fields).toEqual({
      Plan: 'Pro',
      [SENT_RECEIVED_AT_FIELD]: '1900-01-01T00:00:00Z',
    });
  });

  it('names unknown fields instead of dropping them', () => {
    const r = parse({ source: 'web', name: 'A', email: 'a@b.co', emial: 'typo' });
    expect(r.success).toBe(false);
    if (!r.success)
      expect(fieldIssues(r.error)).toEqual([{ field: 'emial', message: 'unknown field: emial' }]);
  });

  it('checks time zones against the IANA database', () => {
    expect(
      parse({ source: 'web', name: 'A', email: 'a@b.co', timezone: 'Europe/Berlin' }).success,
    ).toBe(true);
    expect(
      parse({ source: 'web', name: 'A', email: 'a@b.co', timezone: 'Mars/Olympus' }).success,
    ).toBe(false);
    expect(parse({ source: 'web', name: 'A', email: 'a@b.co', timezone: '+02:00' }).success).toBe(
      false,
    );
  });
});
