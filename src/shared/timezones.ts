/**
 * Whether `zone` is an IANA time zone the runtime knows. `Intl.DateTimeFormat` throws a RangeError
 * for unknown zones; the answer is cached because validation runs on every lead.
 */
const known = new Map<string, boolean>();

export function isIanaTimeZone(zone: string): boolean {
  const cached = known.get(zone);
  if (cached !== undefined) return cached;
  let ok = false;
  // Offsets like "+02:00" are accepted by Intl but are not IANA names.
  if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
  }
  if (known.size < 1000) known.set(zone, ok);
  return ok;
}
