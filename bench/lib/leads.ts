import type { LeadInputRaw } from '../../src/shared/lead';

/*
 * Varied, valid, sales-ready leads: each one scores at least 30 under the default scoring (a
 * demo request or contact form, a company address, a phone number, a company), so every lead is
 * routed to a rep and pushed on the live channel. `externalId` is unique per generator and tag.
 */

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Alan',
  'Hedy',
  'Tim',
  'Radia',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Turing',
  'Lamarr',
  'Berners-Lee',
  'Perlman',
];
const COMPANIES = [
  ['Acme Robotics', 'acme-robotics.com'],
  ['Globex', 'globex.io'],
  ['Initech', 'initech.com'],
  ['Umbrella Analytics', 'umbrella-analytics.de'],
  ['Stark Logistics', 'stark-logistics.co.uk'],
  ['Wayne Foods', 'waynefoods.fr'],
  ['Hooli Cloud', 'hooli.cloud'],
  ['Vandelay Imports', 'vandelay.com'],
] as const;
const TITLES = [
  'CTO',
  'VP Sales',
  'Head of Operations',
  'Director of IT',
  'Engineering Manager',
  'Procurement Lead',
  'Founder',
  'Analyst',
];
/**
 * A North American number unique for n up to 6.9 million (exchanges 200-899 without N11): each
 * lead is a different person, or intake would read it as a repeat inquiry of an earlier one.
 */
function nanp(prefix: string, n: number, sep: string): string {
  const exchanges = 693; // 700 minus the seven N11 codes
  let exchange = 200 + (n % exchanges);
  for (let skip = 211; skip <= exchange && skip < 900; skip += 100) exchange += 1;
  return `${prefix} ${exchange}${sep}${pad(Math.floor(n / exchanges) % 10_000, 4)}`;
}

const PLACES = [
  {
    country: 'US',
    region: 'California',
    timezone: 'America/Los_Angeles',
    phone: (n: number) => nanp('+1 415', n, ' '),
  },
  {
    country: 'US',
    region: 'New York',
    timezone: 'America/New_York',
    phone: (n: number) => nanp('(212)', n, '-'),
  },
  {
    country: 'DE',
    region: 'Berlin',
    timezone: 'Europe/Berlin',
    phone: (n: number) => `+49 30 ${pad(n % 100_000_000, 8)}`,
  },
  {
    country: 'GB',
    region: 'London',
    timezone: 'Europe/London',
    phone: (n: number) => `+44 20 7${pad(n % 1_000, 3)} ${pad(Math.floor(n / 1_000) % 10_000, 4)}`,
  },
  {
    country: 'FR',
    region: 'Ile-de-France',
    timezone: 'Europe/Paris',
    phone: (n: number) => `+33 1 ${pad(n % 100_000_000, 8)}`,
  },
] as const;
const SOURCES = ['website', 'webinar', 'partner/northwind', 'g2:reviews', 'trade-show', 'chat'];
const MESSAGES = [
  'We are evaluating tools for our inside-sales team and would like a demo next week.',
  'Please call me about pricing for 40 seats, we need something before the end of the quarter.',
  'Our current CRM routing is too slow. Can you show how lead assignment works in practice?',
  'Interested in the enterprise plan; we have three regional teams and a partner channel.',
  'Saw your talk at the trade show. Could someone walk us through the integration with our web forms?',
];
const INTENT: readonly (readonly { type: string }[])[] = [
  [{ type: 'demo_request' }],
  [{ type: 'contact_form' }, { type: 'pricing_page' }],
  [{ type: 'free_trial' }, { type: 'webinar' }],
  [{ type: 'demo_request' }, { type: 'whitepaper_download' }, { type: 'newsletter' }],
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

export class LeadGenerator {
  private counter = 0;

  /** `runId` keeps external ids unique across runs against the same database. */
  constructor(private readonly runId: string) {}

  get generated(): number {
    return this.counter;
  }

  next(tag: string): LeadInputRaw {
    const n = this.counter++;
    const first = pick(FIRST, n);
    const last = pick(LAST, Math.floor(n / FIRST.length) + n);
    const [company, domain] = pick(COMPANIES, n * 7 + 3);
    const place = pick(PLACES, n * 3 + 1);
    return {
      source: pick(SOURCES, n * 5 + 2),
      externalId: `${tag}-${this.runId}-${n}`,
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${n}@${domain}`.toLowerCase(),
      phone: place.phone(n * 7919 + 1234),
      company,
      title: pick(TITLES, n * 11 + 5),
      country: place.country,
      region: place.region,
      timezone: place.timezone,
      message: pick(MESSAGES, n * 13 + 1),
      signals: pick(INTENT, n).map((s) => ({ ...s })),
      fields: {
        utm_source: pick(['google', 'linkedin', 'newsletter', 'partner'], n),
        utm_campaign: `q${(n % 4) + 1}-pipeline-${n % 17}`,
        employees: pick(['11-50', '51-200', '201-1000', '1000+'], n * 3),
        landing_page: `/pricing?variant=${n % 5}`,
      },
    };
  }
}
