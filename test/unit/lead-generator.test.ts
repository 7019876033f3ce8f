import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { leadInputSchema, type LeadInput } from '../../src/shared/lead';
import { phoneCountry, toE164 } from '../../src/shared/phone';
import { loadConfig } from '../../sync-server/src/config/load';
import { COUNTRIES } from '../../sync-server/src/demo/lead-data';
import {
  createLeadGenerator,
  fillPhonePattern,
  type DemoLead,
} from '../../sync-server/src/demo/lead-generator';
import { createRandom } from '../../sync-server/src/demo/random';
import { createScorer } from '../../sync-server/src/scoring/score';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const COUNT = 500;

function generate(seed: string | number, count = COUNT): DemoLead[] {
  const leads = createLeadGenerator({ seed, now: () => NOW });
  return Array.from({ length: count }, () => leads.next());
}

const leads = generate('unit');
const schema = leadInputSchema({ defaultCountry: 'US', clock: () => NOW });
const parsed: LeadInput[] = leads.map((lead) => schema.parse(lead));

/** Written out here rather than read from lead-data.ts, so the test checks the data. */
const ZONES: Readonly<Record<string, readonly string[]>> = {
  US: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  CA: [
    'America/Toronto',
    'America/Vancouver',
    'America/Edmonton',
    'America/Winnipeg',
    'America/Halifax',
  ],
  GB: ['Europe/London'],
  DE: ['Europe/Berlin'],
  FR: ['Europe/Paris'],
  NL: ['Europe/Amsterdam'],
  ES: ['Europe/Madrid'],
  AU: [
    'Australia/Sydney',
    'Australia/Melbourne',
    'Australia/Brisbane',
    'Australia/Perth',
    'Australia/Adelaide',
  ],
};

describe('lead generator', () => {
  it(`produces ${COUNT} leads that all pass the intake schema`, () => {
    for (const lead of leads) {
      const result = schema.safeParse(lead);
      expect(result.success ? [] : result.error.issues, JSON.stringify(lead)).toEqual([]);
    }
  });

  it('gives phones that normalise to valid numbers of the lead’s own country', () => {
    const withPhone = leads.filter((l) => l.phone !== undefined);
    expect(withPhone.length).toBeGreaterThan(COUNT / 2);
    for (const lead of withPhone) {
      const e164 = toE164(lead.phone ?? '', lead.country);
      expect(e164, `${lead.phone} (${lead.country})`).not.toBeNull();
      expect(phoneCountry(e164 ?? ''), `${lead.phone} (${lead.country})`).toBe(lead.country);
      expect(parsePhoneNumberFromString(e164 ?? '')?.isValid()).toBe(true);
    }
    // Both ways people type numbers show up: national and international.
    expect(withPhone.some((l) => l.phone?.startsWith('+'))).toBe(true);
    expect(withPhone.some((l) => !l.phone?.startsWith('+'))).toBe(true);
  });

  it('has every phone pattern yield valid numbers for its country', () => {
    const rnd = createRandom('patterns');
    for (const country of COUNTRIES) {
      for (const pattern of [...country.areas.flatMap((a) => a.phones), ...country.mobiles]) {
        for (let i = 0; i < 40; i++) {
          const number = fillPhonePattern(pattern, rnd);
          const phone = parsePhoneNumberFromString(number, country.code as CountryCode);
          expect(
            phone?.isValid() && phone.country === country.code,
            `${number} (${country.code})`,
          ).toBe(true);
        }
      }
    }
  });

  it('matches each lead’s time zone to its country and covers the eight countries', () => {
    for (const lead of leads) expect(ZONES[lead.country], lead.country).toContain(lead.timezone);
    expect(new Set(leads.map((l) => l.country))).toEqual(new Set(Object.keys(ZONES)));
  });

  it('mixes sources, signals, company and free-mail addresses, seniorities and messages', () => {
    expect(new Set(leads.map((l) => l.source))).toEqual(
      new Set(['web_form', 'google_ads', 'typeform', 'webinar_list']),
    );
    const signalTypes = new Set(leads.flatMap((l) => l.signals.map((s) => s.type)));
    for (const type of [
      'demo_request',
      'contact_form',
      'pricing_page',
      'whitepaper_download',
      'webinar',
      'free_trial',
    ]) {
      expect(signalTypes, type).toContain(type);
    }
    const freeMail = new Set(loadConfig({}).scoring.freeMailDomains);
    const domains = parsed.flatMap((l) => (l.email ? [l.email.split('@')[1] ?? ''] : []));
    const free = domains.filter((d) => freeMail.has(d)).length;
    expect(free / domains.length).toBeGreaterThan(0.1);
    expect(free / domains.length).toBeLessThan(0.5);
    expect(parsed.some((l) => l.title && /\b(ceo|founder|chief)\b/i.test(l.title))).toBe(true);
    expect(parsed.some((l) => l.title && /\b(intern|student)\b/i.test(l.title))).toBe(true);
    expect(parsed.some((l) => l.title === null)).toBe(true);
    const messages = parsed.filter((l) => l.message !== null).length;
    expect(messages / COUNT).toBeGreaterThan(0.1);
    expect(messages / COUNT).toBeLessThan(0.6);
  });

  it('gives every lead a unique external id and signals from the recent past', () => {
    expect(new Set(leads.map((l) => `${l.source}/${l.externalId}`)).size).toBe(COUNT);
    for (const lead of parsed) {
      for (const signal of lead.signals) {
        const at = Date.parse(signal.at);
        expect(at).toBeLessThan(NOW);
        expect(at).toBeGreaterThan(NOW - 15 * 86_400_000);
      }
    }
  });

  it('is deterministic for a seed and different across seeds', () => {
    expect(generate('unit', 50)).toEqual(leads.slice(0, 50));
    expect(generate(42, 50)).toEqual(generate(42, 50));
    expect(generate('other', 50)).not.toEqual(leads.slice(0, 50));
  });

  it('scores to a sensible tier mix under the default scoring config', () => {
    const score = createScorer(loadConfig({}).scoring);
    const results = parsed.map((lead) => score(lead, NOW));
    const share = (predicate: (r: (typeof results)[number]) => boolean) =>
      results.filter(predicate).length / results.length;
    // Aimed at ~25% hot, ~40% warm, the rest cold; bounds leave room for sampling noise.
    expect(share((r) => r.tier === 'hot')).toBeGreaterThan(0.15);
    expect(share((r) => r.tier === 'hot')).toBeLessThan(0.35);
    expect(share((r) => r.tier === 'warm')).toBeGreaterThan(0.3);
    expect(share((r) => r.tier === 'warm')).toBeLessThan(0.5);
    expect(share((r) => r.tier === 'cold')).toBeGreaterThan(0.25);
    expect(share((r) => r.tier === 'cold')).toBeLessThan(0.45);
    // Some leads fall below the sales-ready line and go to nurture instead of a rep.
    expect(share((r) => !r.salesReady)).toBeGreaterThan(0.1);
    expect(share((r) => !r.salesReady)).toBeLessThan(0.35);
  });
});
