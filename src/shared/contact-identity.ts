/*
 * Who a lead is, for spotting a repeat inquiry: the same person asking again through another
 * form, with a differently written address or number, is one lead with two inquiries, not two
 * leads. Keys are compared exactly; null means "cannot tell".
 *
 *   emailKey('Ann.Lee+webinar@GoogleMail.com') // 'annlee@gmail.com'
 *   phoneKey('+14155550100')                   // '+14155550100' (intake already made it E.164)
 */

/** Providers that ignore dots in the local part and alias their domains. */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/**
 * Lower-cased, sub-address (`+tag`) dropped, and for Gmail the dots dropped and googlemail.com
 * read as gmail.com. Null for something that is not an address.
 */
export function emailKey(email: string | null): string | null {
  if (email === null) return null;
  const text = email.trim().toLowerCase();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  let local = text.slice(0, at);
  let domain = text.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless !== undefined) {
    domain = dotless;
    local = local.replaceAll('.', '');
  }
  return local === '' ? null : `${local}@${domain}`;
}

/** The E.164 number itself (intake normalises phones); null for anything else. */
export function phoneKey(phone: string | null): string | null {
  if (phone === null) return null;
  return /^\+[1-9]\d{6,14}$/.test(phone) ? phone : null;
}
