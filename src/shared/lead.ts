import { z } from 'zod';
import { isCountryCode } from './countries';
import type { Disposition } from './dispositions';
import { toE164 } from './phone';
import { isIanaTimeZone } from './timezones';

/** Signal types the default scoring knows; sources may send others (they score 0 unless configured). */
export const KNOWN_SIGNAL_TYPES = [
  'demo_request',
  'contact_form',
  'pricing_page',
  'free_trial',
  'webinar',
  'whitepaper_download',
  'newsletter',
] as const;

export const LEAD_TIERS = ['hot', 'warm', 'cold'] as const;
export type LeadTier = (typeof LEAD_TIERS)[number];

/**
 * Where a lead is in its life. `unassigned`: sales-ready, waiting for an eligible rep.
 * `assigned`: with a rep, not touched yet. `working`: touched. `won`/`closed`: left the queue.
 * `nurture`: below the sales-ready threshold, back with marketing.
 */
export const LEAD_STATUSES = [
  'unassigned',
  'assigned',
  'working',
  'won',
  'closed',
  'nurture',
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const LIMITS = {
  maxFields: 50,
  maxFieldKeyLength: 100,
  maxFieldValueLength: 2000,
  maxSignals: 50,
  maxMessageLength: 5000,
  /** How far in the future a sender's clock may put `receivedAt` / a signal's `at`. */
  clockSkewMs: 5 * 60_000,
} as const;

/**
 * The earliest date a lead's `receivedAt` or a signal's `at` may carry. Older dates are not real
 * inquiries but placeholders (a CRM's 1900-01-01 default, a zero timestamp): stored, they sorted
 * the lead as ancient and, before 1970, broke the sync JSON of older servers.
 */
export const EARLIEST_LEAD_DATE = '2000-01-01T00:00:00.000Z';
const EARLIEST_LEAD_DATE_MS = Date.parse(EARLIEST_LEAD_DATE);

/**
 * Why `ms` is outside the window a lead's dates must fall in (2000-01-01 .. now + the allowed
 * clock skew), or null when it is inside. `now` is read per call: a schema built once still
 * bounds by the time of each request.
 *
 *   leadDateProblem(Date.parse('1900-01-01T00:00:00Z'), Date.now()); // 'is before 2000-01-01'
 */
export function leadDateProblem(ms: number, now: number): string | null {
  if (!Number.isFinite(ms)) return 'is not a date';
  if (ms < EARLIEST_LEAD_DATE_MS) return 'is before 2000-01-01';
  if (ms > now + LIMITS.clockSkewMs) return 'is in the future';
  return null;
}

/**
 * The custom field that keeps a lead source's `receivedAt` when it was outside the window and the
 * receive time was used instead (see `LeadInputOptions.sourceDates`).
 */
export const SENT_RECEIVED_AT_FIELD = 'receivedAt as sent';

/**
 * Text a lead may carry: no NUL and no lone UTF-16 surrogate. SQLite would store either as given
 * and write invalid UTF-8 into the sync JSON (the rep's app shows mojibake), and PostgreSQL
 * refuses both: refused here, naming the field, instead of a 500 there.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const WELL_FORMED = 'must be text without NUL characters or broken Unicode';
export const isWellFormedText = (value: string): boolean =>
  !value.includes('\u0000') && !LONE_SURROGATE.test(value);
const wellFormed = () => z.string().refine(isWellFormedText, WELL_FORMED);
const text = (max: number) => wellFormed().trim().min(1, 'must not be empty').max(max);
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const SignalInputSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be snake_case, e.g. demo_request'),
  at: isoDate.optional(),
});

/** The raw shape of `POST /api/v1/leads`, before normalisation. */
export const LeadInputShape = z.strictObject({
  source: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:\-/ ]*$/, 'may hold letters, digits and _ . : - / only'),
  externalId: text(200).optional(),
  name: text(200).optional(),
  firstName: text(100).optional(),
  lastName: text(100).optional(),
  email: wellFormed().trim().max(254).pipe(z.email('must be an email address')).optional(),
  phone: wellFormed().trim().min(3, 'is too short').max(40).optional(),
  company: text(200).optional(),
  title: text(200).optional(),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 code, e.g. DE')
    .optional(),
  region: text(100).optional(),
  timezone: z
    .string()
    .trim()
    .max(64)
    .refine(isIanaTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
    .optional(),
  message: wellFormed().trim().max(LIMITS.maxMessageLength).optional(),
  signals: z.array(SignalInputSchema).max(LIMITS.maxSignals).optional(),
  fields: z
    .record(
      wellFormed().min(1).max(LIMITS.maxFieldKeyLength),
      wellFormed().max(LIMITS.maxFieldValueLength),
    )
    .refine((f) => Object.keys(f).length <= LIMITS.maxFields, `at most ${LIMITS.maxFields} fields`)
    .optional(),
  receivedAt: isoDate.optional(),
});
export type LeadInputRaw = z.input<typeof LeadInputShape>;

export interface LeadSignal {
  readonly type: string;
  /** ISO 8601, UTC. */
  readonly at: string;
}

/** A lead input after validation and normalisation; what the server stores. */
export interface LeadInput {
  readonly source: string;
  readonly externalId: string | null;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly company: string | null;
  readonly title: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly timezone: string | null;
  readonly message: string | null;
  readonly signals: readonly LeadSignal[];
  readonly fields: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
}

export interface LeadInputOptions {
  /** Country used to read national phone numbers when the lead names none (ISO alpha-2). */
  readonly defaultCountry: string;
  /** The server's clock, epoch ms, read once per parse. */
  readonly clock: () => number;
  /**
   * What a date outside the window (`leadDateProblem`) does. `reject` (the default, for
   * `POST /api/v1/leads`): a 422 naming the field. `receiveTime` (for lead sources, whose
   * mappings carry CRM placeholders such as 1900-01-01): `receivedAt` becomes the receive time,
   * the sent value kept as the custom field `SENT_RECEIVED_AT_FIELD`, and a signal's `at`
   * becomes the lead's `receivedAt`.
   */
  readonly sourceDates?: 'reject' | 'receiveTime';
}

/**
 * The full validation of a lead: shape, then the rules that span fields (a name, a way to
 * reach the person, a phone number that parses, no dates from the future). Every failure names
 * its field.
 *
 *   const schema = leadInputSchema({ defaultCountry: 'US', clock: Date.now }); // build once
 *   const result = schema.safeParse(body);
 */
export function leadInputSchema(options: LeadInputOptions) {
  return LeadInputShape.transform((raw, ctx): LeadInput => {
    const name =
      raw.name ?? ([raw.firstName, raw.lastName].filter(Boolean).join(' ').trim() || undefined);
    if (!name) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'is required (or firstName and lastName)',
      });
    }
    if (!raw.email && !raw.phone) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'email or phone is required' });
    }
    let phone: string | null = null;
    if (raw.phone) {
      phone = toE164(raw.phone, raw.country ?? options.defaultCountry);
      if (!phone)
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'is not a valid phone number' });
    }
    const now = options.clock();
    const fromSource = options.sourceDates === 'receiveTime';
    const fields: Record<string, string> = { ...raw.fields };
    let receivedAt = raw.receivedAt ? Date.parse(raw.receivedAt) : now;
    const receivedProblem = leadDateProblem(receivedAt, now);
    if (receivedProblem && fromSource) {
      // Kept where a person can see it, unless the fields are full (the date is then lost).
      if (raw.receivedAt && Object.keys(fields).length < LIMITS.maxFields)
        fields[SENT_RECEIVED_AT_FIELD] = raw.receivedAt;
      receivedAt = now;
    } else if (receivedProblem) {
      ctx.addIssue({ code: 'custom', path: ['receivedAt'], message: receivedProblem });
    }
    const signals: LeadSignal[] = [];
    (raw.signals ?? []).forEach((signal, index) => {
      let at = signal.at ? Date.parse(signal.at) : receivedAt;
      const problem = leadDateProblem(at, now);
      if (problem && fromSource) at = receivedAt;
      else if (problem)
        ctx.addIssue({ code: 'custom', path: ['signals', index, 'at'], message: problem });
      signals.push({ type: signal.type, at: new Date(at).toISOString() });
    });
    return {
      source: raw.source,
      externalId: raw.externalId ?? null,
      name: name ?? '',
      email: raw.email ? raw.email.toLowerCase() : null,
      phone,
      company: raw.company ?? null,
      title: raw.title ?? null,
      country: raw.country ?? null,
      region: raw.region ?? null,
      timezone: raw.timezone ?? null,
      message: raw.message ? raw.message : null,
      signals,
      fields,
      receivedAt,
    };
  });
}

export interface ScoreReason {
  readonly label: string;
  readonly points: number;
}

/** A lead as every API and the live channel show it. Dates are ISO 8601 strings in UTC. */
export interface Lead {
  readonly id: string;
  readonly source: string;
  readonly externalId: string | null;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly company: string | null;
  readonly title: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly timezone: string | null;
  readonly message: string | null;
  readonly signals: readonly LeadSignal[];
  readonly fields: Readonly<Record<string, string>>;
  readonly score: number;
  readonly tier: LeadTier;
  /** Why the lead scored what it did, largest contributions first. */
  readonly scoreReasons: readonly ScoreReason[];
  readonly status: LeadStatus;
  readonly teamId: string | null;
  readonly assignedTo: string | null;
  readonly assignedAt: string | null;
  readonly receivedAt: string;
  /** The first logged attempt (speed-to-lead), server time. */
  readonly firstTouchAt: string | null;
  /** When the rep first opened or acknowledged the lead (not a touch). */
  readonly seenAt: string | null;
  /** Call attempts logged. */
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly lastDisposition: Disposition | null;
  /** The next scheduled callback. */
  readonly callbackAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * How many times the person asked (1 for a single inquiry): a repeat inquiry joins the lead
   * instead of making a new one. Optional because a server older than this field omits it
   * (read it as 1).
   */
  readonly inquiries?: number;
  /** The latest inquiry (receivedAt for the first); optional like `inquiries`. */
  readonly lastInquiryAt?: string;
  /**
   * When the next attempt is due, as the server scheduled it (the retry ladder inside the lead's
   * calling hours, or the callback); null when nothing is scheduled. Optional like `inquiries`.
   */
  readonly nextAttemptAt?: string | null;
  /** Why the lead left the queue without a win (a playbook reason code). */
  readonly closeReason?: string | null;
  /**
   * Set while the lead is offered in claim mode ("first to claim"): every eligible rep of the
   * team sees it, nobody holds it (`assignedTo` null, `status` unassigned), and the first rep to
   * claim it gets it. Null when it is not on offer; absent from servers older than claim mode.
   */
  readonly offer?: LeadOffer | null;
}

/** A claim-mode offer of a lead (docs/lifecycle.md, "Claim mode and away periods"). */
export interface LeadOffer {
  readonly offeredAt: string;
  /** When the offer falls back to fair routing if nobody has claimed it; null: it never does. */
  readonly expiresAt: string | null;
}
