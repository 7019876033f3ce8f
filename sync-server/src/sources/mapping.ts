import { z } from 'zod';
import { COUNTRY_CODES } from '../../../src/shared/countries';
import { LIMITS, SignalInputSchema } from '../../../src/shared/lead';

/*
 * How a sender's data becomes a lead. Every kind maps the sender's keys (a Google column_id, a
 * Typeform field ref, a JSON pointer into a generic body, a CSV column) to a lead target: one of
 * the fields of POST /api/v1/leads, or `fields.<key>` for a custom field. The result is a raw
 * body that goes through the same validation as the public API.
 */

export const SOURCE_KINDS = ['google_ads', 'typeform', 'webhook'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const CORE_TARGETS = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'title',
  'country',
  'region',
  'timezone',
  'message',
  'externalId',
  'receivedAt',
] as const;
export type CoreTarget = (typeof CORE_TARGETS)[number];
export type LeadTarget = CoreTarget | `fields.${string}`;

const CORE: ReadonlySet<string> = new Set(CORE_TARGETS);

export function isLeadTarget(value: string): value is LeadTarget {
  if (CORE.has(value)) return true;
  const key = value.startsWith('fields.') ? value.slice('fields.'.length) : '';
  return key.trim().length > 0 && key.length <= LIMITS.maxFieldKeyLength;
}

export const LeadTargetSchema = z
  .string()
  .refine(
    isLeadTarget,
    `must be a lead field (${CORE_TARGETS.join(', ')}) or fields.<key> for a custom field`,
  );

const SignalTypes = z.array(SignalInputSchema.shape.type).max(10);

/** RFC 6901: `/contact/email`, `/answers/0/text`; `~1` is `/` and `~0` is `~` inside a name. */
const JsonPointer = z
  .string()
  .max(500)
  .regex(/^(\/([^~/]|~[01])*)+$/, 'must be a JSON pointer, e.g. /contact/email');

export const GoogleAdsMappingSchema = z.strictObject({
  /** column_id -> lead target; null drops the column. Merged over the defaults below. */
  columns: z
    .record(
      z.string().regex(/^[A-Za-z0-9_]{1,100}$/, 'must be a Google column_id, e.g. FULL_NAME'),
      LeadTargetSchema.nullable(),
    )
    .optional(),
  /** Signal types every lead of the source carries (scoring); default contact_form. */
  signals: SignalTypes.optional(),
  /** Columns without a target: kept as custom fields (default) or dropped. */
  unmapped: z.enum(['fields', 'drop']).optional(),
});

export const TypeformMappingSchema = z.strictObject({
  /** Field ref -> lead target; null drops the answer. */
  fields: z.record(z.string().min(1).max(255), LeadTargetSchema.nullable()).optional(),
  /** Hidden field name -> lead target; null drops it. */
  hidden: z.record(z.string().min(1).max(255), LeadTargetSchema.nullable()).optional(),
  signals: SignalTypes.optional(),
  unmapped: z.enum(['fields', 'drop']).optional(),
});

export const WebhookMappingSchema = z.strictObject({
  /**
   * JSON pointer -> lead target. Without it the body is the POST /api/v1/leads shape (its
   * `source` is replaced by the source's name).
   */
  paths: z.record(JsonPointer, LeadTargetSchema).optional(),
  /** Signal types added to every lead (after the body's own). */
  signals: SignalTypes.optional(),
  /** Refuse `Authorization: Bearer <secret>`; only an HMAC signature proves the sender. */
  requireSignature: z.boolean().optional(),
});

export type GoogleAdsMapping = z.output<typeof GoogleAdsMappingSchema>;
export type TypeformMapping = z.output<typeof TypeformMappingSchema>;
export type WebhookMapping = z.output<typeof WebhookMappingSchema>;
export type SourceMapping = GoogleAdsMapping | TypeformMapping | WebhookMapping;

export function mappingSchemaFor(kind: SourceKind) {
  switch (kind) {
    case 'google_ads':
      return GoogleAdsMappingSchema;
    case 'typeform':
      return TypeformMappingSchema;
    case 'webhook':
      return WebhookMappingSchema;
  }
}

/** What a form submission means to scoring when the admin names nothing else. */
export const DEFAULT_FORM_SIGNALS: readonly string[] = ['contact_form'];

const ALIASES: ReadonlyMap<string, CoreTarget> = new Map(
  (
    [
      ['name', ['name', 'fullname', 'contactname']],
      ['firstName', ['firstname', 'first', 'givenname', 'forename']],
      ['lastName', ['lastname', 'last', 'surname', 'familyname']],
      ['email', ['email', 'emailaddress', 'mail', 'workemail', 'businessemail']],
      [
        'phone',
        ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'workphone', 'cell'],
      ],
      ['company', ['company', 'companyname', 'organisation', 'organization', 'account']],
      ['title', ['title', 'jobtitle', 'position']],
      ['country', ['country', 'countrycode']],
      ['region', ['region', 'state', 'province']],
      ['timezone', ['timezone', 'tz']],
      ['message', ['message', 'comment', 'comments', 'notes', 'inquiry', 'enquiry']],
      ['externalId', ['externalid', 'leadid']],
      ['receivedAt', ['receivedat']],
    ] as const
  ).flatMap(([target, names]) => names.map((n) => [n, target] as const)),
);

/**
 * The lead field a key most likely means, from its name alone: `E-mail` -> email,
 * `first_name` -> firstName. Used when the admin mapped nothing for the key.
 */
export function guessTarget(key: string): CoreTarget | undefined {
  return ALIASES.get(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

let countryNames: ReadonlyMap<string, string> | undefined;

const simplify = (name: string) =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * `DE`, `de` -> `DE`; `Germany`, `United States`, `Côte d'Ivoire` -> their codes (English
 * names). Anything else is returned unchanged, for validation to name it.
 */
export function normaliseCountry(value: string): string {
  const trimmed = value.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) return trimmed.toUpperCase();
  if (!countryNames) {
    const names = new Map<string, string>();
    const display = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of COUNTRY_CODES) {
      const name = display.of(code);
      if (name) names.set(simplify(name), code);
    }
    for (const [alias, code] of [
      ['usa', 'US'],
      ['unitedstatesofamerica', 'US'],
      ['uk', 'GB'],
      ['greatbritain', 'GB'],
    ] as const)
      names.set(alias, code);
    countryNames = names;
  }
  return countryNames.get(simplify(trimmed)) ?? trimmed;
}

/**
 * A lead being put together from a sender's values. The first value for a lead field wins; a
 * second one is kept as a custom field under its own key instead of being lost. Custom fields
 * are held to the API's limits (keys of 100, values of 2,000 characters, at most 50), and each
 * thing cut to fit is noted for the delivery record.
 */
export class LeadDraft {
  private readonly core = new Map<CoreTarget, string>();
  private readonly fields = new Map<string, string>();
  readonly notes: string[] = [];

  has(target: CoreTarget): boolean {
    return this.core.has(target);
  }

  /** Sets `target` from the sender's key `from` (named in notes and as the fallback field key). */
  set(target: LeadTarget, value: string, from: string): void {
    const text = value.trim();
    if (text === '') return;
    if (target.startsWith('fields.')) return this.field(target.slice('fields.'.length), text);
    const core = target as CoreTarget;
    if (this.core.has(core)) return this.field(from, text);
    this.core.set(core, core === 'country' ? normaliseCountry(text) : text);
  }

  /** A sender's timestamp, as ISO 8601 UTC; kept as a custom field when it does not parse. */
  setTime(target: 'receivedAt', value: string | null | undefined, from: string): void {
    if (!value) return;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) return this.field(from, value);
    this.set(target, new Date(ms).toISOString(), from);
  }

  field(key: string, value: string): void {
    const text = value.trim();
    // A sender's key becomes an object key: never let one name the prototype.
    let name = key
      .trim()
      .replace(/^__proto__$/, 'proto')
      .slice(0, LIMITS.maxFieldKeyLength);
    if (text === '' || name === '') return;
    for (let n = 2; this.fields.has(name); n++)
      name = `${key.slice(0, LIMITS.maxFieldKeyLength - 4)}_${n}`;
    if (this.fields.size >= LIMITS.maxFields) {
      this.notes.push(`dropped field "${name}": at most ${LIMITS.maxFields} custom fields`);
      return;
    }
    if (text.length > LIMITS.maxFieldValueLength) {
      this.notes.push(`cut field "${name}" to ${LIMITS.maxFieldValueLength} characters`);
      this.fields.set(name, text.slice(0, LIMITS.maxFieldValueLength));
      return;
    }
    this.fields.set(name, text);
  }

  /** The body for `leadInputSchema`: what POST /api/v1/leads would have been sent. */
  toBody(source: string, signals: readonly string[]): Record<string, unknown> {
    const body: Record<string, unknown> = { source };
    for (const [target, value] of this.core) body[target] = value;
    if (this.fields.size > 0) body.fields = Object.fromEntries(this.fields);
    if (signals.length > 0) body.signals = signals.map((type) => ({ type }));
    return body;
  }
}
