import type { LeadInputRaw } from '../../../src/shared/lead';
import {
  COMPANY_NOUNS,
  COMPANY_WORDS,
  COUNTRIES,
  MESSAGES,
  TITLES,
  WEBINARS,
  type CountryProfile,
  type Seniority,
} from './lead-data';
import { createRandom, type Random } from './random';

export const DEMO_SOURCES = ['web_form', 'google_ads', 'typeform', 'webinar_list'] as const;
export type DemoSource = (typeof DEMO_SOURCES)[number];

/** A generated lead: a valid `POST /api/v1/leads` body, with the fields the demo relies on set. */
export interface DemoLead extends LeadInputRaw {
  source: DemoSource;
  externalId: string;
  country: string;
  timezone: string;
  signals: { type: string; at: string }[];
}

export interface LeadGeneratorOptions {
  /** Same seed, same leads (given the same clock readings). */
  readonly seed: string | number;
  /** Signal times are set relative to this; tests pass a fixed clock. */
  readonly now?: () => number;
}

export interface LeadGenerator {
  next(): DemoLead;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type MessageKind = keyof typeof MESSAGES;

/**
 * How a lead came to be: what they did, through which channel, and who tends to do it. The
 * scorer knows nothing of journeys; the tier mix (roughly a quarter hot, two fifths warm, the
 * rest cold, much of it below the sales-ready line) emerges from these weights, as it would from
 * real marketing traffic, and a unit test keeps it there.
 */
interface Journey {
  readonly weight: number;
  /** The act that made the lead: a form submitted minutes ago. */
  readonly signal: string;
  /** Earlier research, each with its chance, days before. */
  readonly earlier: readonly (readonly [type: string, chance: number])[];
  readonly sources: readonly (readonly [DemoSource, number])[];
  readonly seniority: readonly (readonly [Seniority | 'none', number])[];
  readonly companyEmail: number;
  readonly phone: number;
  readonly message?: { readonly kind: MessageKind; readonly chance: number };
}

const JOURNEYS: readonly Journey[] = [
  {
    weight: 18,
    signal: 'demo_request',
    earlier: [
      ['pricing_page', 0.5],
      ['webinar', 0.15],
    ],
    sources: [
      ['web_form', 60],
      ['google_ads', 40],
    ],
    seniority: [
      ['executive', 20],
      ['vp', 25],
      ['director', 25],
      ['manager', 20],
      ['individual', 10],
    ],
    companyEmail: 0.85,
    phone: 0.9,
    message: { kind: 'demo', chance: 0.5 },
  },
  {
    weight: 12,
    signal: 'free_trial',
    earlier: [['pricing_page', 0.4]],
    sources: [
      ['google_ads', 40],
      ['typeform', 35],
      ['web_form', 25],
    ],
    seniority: [
      ['executive', 5],
      ['vp', 10],
      ['director', 15],
      ['manager', 30],
      ['individual', 35],
      ['junior', 5],
    ],
    companyEmail: 0.7,
    phone: 0.6,
    message: { kind: 'trial', chance: 0.3 },
  },
  {
    weight: 22,
    signal: 'contact_form',
    earlier: [
      ['pricing_page', 0.25],
      ['whitepaper_download', 0.2],
    ],
    sources: [
      ['web_form', 55],
      ['typeform', 45],
    ],
    seniority: [
      ['executive', 10],
      ['vp', 10],
      ['director', 15],
      ['manager', 25],
      ['individual', 30],
      ['none', 10],
    ],
    companyEmail: 0.75,
    phone: 0.8,
    message: { kind: 'contact', chance: 0.7 },
  },
  {
    weight: 15,
    signal: 'pricing_page',
    earlier: [
      ['pricing_page', 0.3],
      ['whitepaper_download', 0.5],
      ['webinar', 0.2],
    ],
    sources: [
      ['google_ads', 50],
      ['web_form', 50],
    ],
    seniority: [
      ['executive', 10],
      ['vp', 15],
      ['director', 20],
      ['manager', 25],
      ['individual', 30],
    ],
    companyEmail: 0.8,
    phone: 0.7,
  },
  {
    weight: 18,
    signal: 'webinar',
    earlier: [['whitepaper_download', 0.3]],
    sources: [['webinar_list', 1]],
    seniority: [
      ['executive', 8],
      ['vp', 12],
      ['director', 15],
      ['manager', 25],
      ['individual', 30],
      ['junior', 10],
    ],
    companyEmail: 0.8,
    phone: 0.4,
  },
  {
    weight: 15,
    signal: 'whitepaper_download',
    earlier: [['whitepaper_download', 0.3]],
    sources: [
      ['typeform', 40],
      ['google_ads', 30],
      ['web_form', 30],
    ],
    seniority: [
      ['vp', 5],
      ['director', 10],
      ['manager', 20],
      ['individual', 35],
      ['junior', 15],
      ['none', 15],
    ],
    companyEmail: 0.55,
    phone: 0.5,
  },
];

const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1000+'];
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Realistic inbound leads for demos, tests and benchmarks: names and companies of eight
 * countries, phones that are valid for the lead's country and area, the matching time zone,
 * company or free-mail addresses, a mix of seniorities and intent signals.
 *
 *   const leads = createLeadGenerator({ seed: 'demo' });
 *   await fetch(`${url}/api/v1/leads`, { method: 'POST', body: JSON.stringify(leads.next()), ... });
 */
export function createLeadGenerator(options: LeadGeneratorOptions): LeadGenerator {
  const rnd = createRandom(options.seed);
  const now = options.now ?? Date.now;
  return { next: () => generate(rnd, now()) };
}

/** The lead's display name, whichever of `name` or `firstName`/`lastName` it was sent with. */
export function leadName(lead: LeadInputRaw): string {
  return lead.name ?? ([lead.firstName, lead.lastName].filter(Boolean).join(' ') || '(no name)');
}

function generate(rnd: Random, now: number): DemoLead {
  const journey = rnd.weighted(JOURNEYS.map((j) => [j, j.weight] as const));
  const country = rnd.weighted(COUNTRIES.map((c) => [c, c.weight] as const));
  const area = rnd.pick(country.areas);
  const source = rnd.weighted(journey.sources);
  const first = rnd.pick(country.firstNames);
  const last = rnd.pick(country.lastNames);
  const seniority = rnd.weighted(journey.seniority);
  const title = seniority === 'none' ? undefined : rnd.pick(TITLES[seniority]);

  const companyName = companyFor(rnd, country);
  const usesCompanyEmail = rnd.chance(journey.companyEmail);
  // People writing from a free-mail address often leave the company field empty.
  const company = usesCompanyEmail || rnd.chance(0.5) ? companyName.display : undefined;
  const email = usesCompanyEmail
    ? companyEmail(rnd, first, last, companyName.domain)
    : freeMailEmail(rnd, country, first, last);
  const phone = rnd.chance(journey.phone) ? phoneFor(rnd, country, area.phones) : undefined;

  const lead: DemoLead = {
    source,
    externalId: externalIdFor(rnd, source),
    ...(source === 'typeform'
      ? { firstName: first, lastName: last }
      : { name: `${first} ${last}` }),
    // A few forms ask for a phone only; a lead needs one way to reach them, so keep the email then.
    ...(phone === undefined || !rnd.chance(0.06) ? { email } : {}),
    ...(phone !== undefined && { phone }),
    ...(company !== undefined && { company }),
    ...(title !== undefined && { title }),
    country: country.code,
    ...(rnd.chance(0.85) && { region: area.region }),
    timezone: area.timezone,
    signals: signalsFor(rnd, journey, now),
    fields: fieldsFor(rnd, source, journey.signal),
  };
  if (journey.message && rnd.chance(journey.message.chance)) {
    lead.message = rnd
      .pick(MESSAGES[journey.message.kind])
      .replace('{n}', String(rnd.pick([3, 5, 8, 12, 20, 40])));
  }
  return lead;
}

function signalsFor(rnd: Random, journey: Journey, now: number): { type: string; at: string }[] {
  const earlier = journey.earlier
    .filter(([, chance]) => rnd.chance(chance))
    .map(([type]) => ({ type, at: now - rnd.int(HOUR, 14 * DAY) }));
  // The form that created the lead was sent a moment ago; never in the future of the server.
  const latest = { type: journey.signal, at: now - rnd.int(MINUTE, 10 * MINUTE) };
  return [...earlier, latest]
    .sort((a, b) => a.at - b.at)
    .map((s) => ({ type: s.type, at: new Date(s.at).toISOString() }));
}

function companyFor(rnd: Random, country: CountryProfile): { display: string; domain: string } {
  const word = rnd.pick(COMPANY_WORDS);
  const noun = rnd.pick(COMPANY_NOUNS);
  const suffix = rnd.pick(country.companySuffixes);
  const slug = rnd.chance(0.5)
    ? ascii(word)
    : `${ascii(word)}${rnd.chance(0.3) ? '-' : ''}${ascii(noun)}`;
  return {
    display: [word, noun, suffix].filter(Boolean).join(' '),
    domain: `${slug}${rnd.pick(country.domainSuffixes)}`,
  };
}

function companyEmail(rnd: Random, first: string, last: string, domain: string): string {
  const f = ascii(first);
  const l = ascii(last);
  const local = rnd.weighted([
    [`${f}.${l}`, 5],
    [`${f.charAt(0)}${l}`, 3],
    [f, 2],
    [`${f}_${l}`, 1],
  ] as const);
  return `${local}@${domain}`;
}

function freeMailEmail(rnd: Random, country: CountryProfile, first: string, last: string): string {
  const f = ascii(first);
  const l = ascii(last);
  const local = rnd.weighted([
    [`${f}.${l}`, 3],
    [`${f}${l}${rnd.int(1, 99)}`, 3],
    [`${f.charAt(0)}${l}${rnd.int(1970, 2004)}`, 2],
  ] as const);
  return `${local}@${rnd.pick(country.freeMail)}`;
}

/**
 * A number from the lead's own area (or a mobile), typed the way people type: national format
 * mostly, international sometimes, so the server's normalisation has work to do.
 */
function phoneFor(rnd: Random, country: CountryProfile, landlines: readonly string[]): string {
  const pattern =
    country.mobiles.length > 0 && rnd.chance(0.35)
      ? rnd.pick(country.mobiles)
      : rnd.pick(landlines);
  const national = fillPhonePattern(pattern, rnd);
  if (!rnd.chance(0.3)) return national;
  const digits = national.replace(/[()]/g, '');
  const withoutTrunk =
    country.trunkPrefix && digits.startsWith(country.trunkPrefix)
      ? digits.slice(country.trunkPrefix.length)
      : digits;
  return `+${country.callingCode} ${withoutTrunk}`;
}

/** `(212) N##-####` -> `(212) 555-0142`: `#` any digit, `N` 2-9 (no area or exchange starts 0/1). */
export function fillPhonePattern(pattern: string, rnd: Random): string {
  return pattern.replace(/[#N]/g, (c) => String(c === 'N' ? rnd.int(2, 9) : rnd.int(0, 9)));
}

function externalIdFor(rnd: Random, source: DemoSource): string {
  switch (source) {
    case 'web_form':
      return `wf_${rnd.chars(12, BASE36)}`;
    case 'google_ads':
      return `gads_${rnd.chars(20, ALNUM)}`;
    case 'typeform':
      return `tf_${rnd.chars(24, BASE36)}`;
    case 'webinar_list':
      return `wl_${rnd.int(1, WEBINARS.length)}_${rnd.chars(10, '0123456789')}`;
  }
}

/** Extra form fields as each channel sends them (campaign tags, the webinar, company size). */
function fieldsFor(rnd: Random, source: DemoSource, signal: string): Record<string, string> {
  const fields: Record<string, string> = {};
  switch (source) {
    case 'google_ads':
      fields.utm_source = 'google';
      fields.utm_medium = 'cpc';
      fields.utm_campaign = rnd.pick([
        'brand',
        'lead-routing',
        'competitor-terms',
        'speed-to-lead',
      ]);
      break;
    case 'webinar_list':
      fields.webinar = rnd.pick(WEBINARS);
      break;
    case 'web_form':
      fields.page =
        signal === 'demo_request' ? '/demo' : signal === 'pricing_page' ? '/pricing' : '/contact';
      break;
    case 'typeform':
      fields.form = rnd.pick(['Talk to sales', 'Get started', 'Resources']);
      break;
  }
  if (rnd.chance(0.6)) fields.company_size = rnd.pick(COMPANY_SIZES);
  return fields;
}

/** Lower-case ASCII for email addresses: Müller -> mueller, Lefèvre -> lefevre, O'Brien -> obrien. */
function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}
