import { getCountries, getCountryCallingCode } from 'libphonenumber-js';
import type { Lead } from './lead';
import { phoneCountry } from './phone';
import { isKnownZone, resetZoneCaches } from './zone-time';

export { clockText, isKnownZone, localToUtc, utcOffsetMinutes } from './zone-time';
export {
  type CallableState,
  type CallingHours,
  type CallingWindow,
  callableState,
  callingWindow,
  DEFAULT_CALLING_HOURS,
} from './calling-window';

/*
 * A lead's local time and whether they may be called now.
 *
 * The zone comes from the lead's IANA `timezone` when set, else from the country of its phone
 * number, else from its `country` (a representative zone per country), else from a configured
 * default. A lead whose zone cannot be told is treated as callable: missing data must not hide a
 * lead from its rep.
 *
 * Speed: `Intl.DateTimeFormat#formatToParts` costs microseconds, so offsets are sampled once per
 * zone per UTC day and cached here (see utcOffsetMinutes); the priority function asks for each
 * distinct zone once per call, never once per lead.
 */

/** When leads may be called, in their own local time. */

/**
 * A representative zone per country, for leads that give a country (or a phone number) but no
 * zone. For countries spanning several zones it is the one most of the population lives in or
 * the middle one (US: Central, at most 2 h from any mainland zone), so "callable" can be off by
 * an hour or two there; a lead's own `timezone` always wins.
 */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, string>> = {
  US: 'America/Chicago',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  PR: 'America/Puerto_Rico',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago',
  CO: 'America/Bogota',
  PE: 'America/Lima',
  GB: 'Europe/London',
  // Crown dependencies share +44 with GB; their numbers parse to these.
  GG: 'Europe/Guernsey',
  JE: 'Europe/Jersey',
  IM: 'Europe/Isle_of_Man',
  IE: 'Europe/Dublin',
  PT: 'Europe/Lisbon',
  ES: 'Europe/Madrid',
  FR: 'Europe/Paris',
  BE: 'Europe/Brussels',
  NL: 'Europe/Amsterdam',
  LU: 'Europe/Luxembourg',
  DE: 'Europe/Berlin',
  AT: 'Europe/Vienna',
  CH: 'Europe/Zurich',
  IT: 'Europe/Rome',
  DK: 'Europe/Copenhagen',
  NO: 'Europe/Oslo',
  SE: 'Europe/Stockholm',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  HU: 'Europe/Budapest',
  RO: 'Europe/Bucharest',
  GR: 'Europe/Athens',
  TR: 'Europe/Istanbul',
  UA: 'Europe/Kiev',
  RU: 'Europe/Moscow',
  IL: 'Asia/Jerusalem',
  AE: 'Asia/Dubai',
  SA: 'Asia/Riyadh',
  EG: 'Africa/Cairo',
  ZA: 'Africa/Johannesburg',
  NG: 'Africa/Lagos',
  KE: 'Africa/Nairobi',
  IN: 'Asia/Kolkata',
  PK: 'Asia/Karachi',
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  ID: 'Asia/Jakarta',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  PH: 'Asia/Manila',
  HK: 'Asia/Hong_Kong',
  CN: 'Asia/Shanghai',
  TW: 'Asia/Taipei',
  KR: 'Asia/Seoul',
  JP: 'Asia/Tokyo',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
};

/** Where a lead's zone came from: the UI may mark guessed zones. */
export type TimeZoneSource = 'lead' | 'phone' | 'country' | 'default';

export interface ResolvedTimeZone {
  readonly zone: string;
  readonly source: TimeZoneSource;
}

export interface TimeZoneOptions {
  /** Used when a lead gives no zone, no phone country and no country (e.g. the team's zone). */
  readonly defaultTimeZone?: string | null;
  /** Overrides and additions to COUNTRY_TIME_ZONES. */
  readonly countryTimeZones?: Readonly<Record<string, string>>;
}

export type TimeZoneFields = Pick<Lead, 'timezone' | 'phone' | 'country'>;

/**
 * The zone to read a lead's local time in, or null when nothing tells it. Zones the runtime
 * does not know are skipped (the next source is tried).
 */
export function leadTimeZone(
  lead: TimeZoneFields,
  options: TimeZoneOptions = {},
): ResolvedTimeZone | null {
  if (lead.timezone && isKnownZone(lead.timezone)) return { zone: lead.timezone, source: 'lead' };
  const fromPhone = lead.phone ? countryZone(cachedPhoneCountry(lead.phone), options) : null;
  if (fromPhone) return { zone: fromPhone, source: 'phone' };
  const fromCountry = countryZone(lead.country, options);
  if (fromCountry) return { zone: fromCountry, source: 'country' };
  const fallback = options.defaultTimeZone;
  if (fallback && isKnownZone(fallback)) return { zone: fallback, source: 'default' };
  return null;
}

function countryZone(country: string | null, options: TimeZoneOptions): string | null {
  if (!country) return null;
  const zone = options.countryTimeZones?.[country] ?? COUNTRY_TIME_ZONES[country];
  return zone && isKnownZone(zone) ? zone : null;
}

// ---------------------------------------------------------------------------------------------
// Phone number -> country, memoised (libphonenumber-js takes tens of microseconds per parse).

let callingCodes: Map<string, readonly string[]> | null = null;
const phoneCountries = new Map<string, string | null>();
const MAX_MEMO = 20_000;

/**
 * `phoneCountry`, memoised. Most calling codes belong to one country (+49 is DE), so no parse is
 * needed; in the North American plan (+1) the area code decides the country, so one parse per
 * area code serves every number in it.
 */
export function cachedPhoneCountry(e164: string): string | null {
  if (e164.charCodeAt(0) !== 43 /* + */) return memoPhone(e164, e164);
  callingCodes ??= buildCallingCodes();
  for (let length = 1; length <= 3; length++) {
    const countries = callingCodes.get(e164.slice(1, 1 + length));
    if (!countries) continue;
    if (countries.length === 1) return countries[0] ?? null;
    // Calling codes are prefix-free, so the first one found is the number's.
    if (length === 1 && e164.startsWith('+1') && e164.length >= 5) {
      const areaKey = e164.slice(0, 5);
      const known = phoneCountries.get(areaKey);
      if (known) return known;
      const country = phoneCountry(e164);
      if (country) remember(areaKey, country);
      return country;
    }
    break;
  }
  return memoPhone(e164, e164);
}

function memoPhone(key: string, e164: string): string | null {
  const known = phoneCountries.get(key);
  if (known !== undefined) return known;
  const country = phoneCountry(e164);
  remember(key, country);
  return country;
}

function remember(key: string, country: string | null): void {
  if (phoneCountries.size >= MAX_MEMO) phoneCountries.clear();
  phoneCountries.set(key, country);
}

function buildCallingCodes(): Map<string, readonly string[]> {
  const byCode = new Map<string, string[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    const list = byCode.get(code);
    if (list) list.push(country);
    else byCode.set(code, [country]);
  }
  return byCode;
}

/** Drops every cache of this module (tests and benchmarks measure cold calls with it). */
export function resetCallingHoursCaches(): void {
  resetZoneCaches();
  phoneCountries.clear();
  callingCodes = null;
}
