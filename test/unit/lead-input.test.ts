import { describe, expect, it } from 'vitest';
import { leadInputSchema } from '../../src/shared/lead';
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
