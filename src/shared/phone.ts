import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalises a phone number as typed on a form to E.164 (`+14155550123`). National numbers are
 * read in `country` (the lead's own country when known, else the configured default). Returns
 * null when the input cannot be a phone number.
 */
export function toE164(input: string, country: string | undefined): string | null {
  const parsed = parsePhoneNumberFromString(input, country as CountryCode | undefined);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

/** The ISO country of an E.164 number, when its calling code and prefix say which. */
export function phoneCountry(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
