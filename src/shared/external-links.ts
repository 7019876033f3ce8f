/**
 * The only road from the app to the operating system's URL handlers (browser, mail client,
 * softphone). Everything the renderer tries to open outside the window (window.open, a link
 * click, a navigation) comes through here, because the renderer is the part an attacker who
 * controls lead data would be running code in.
 *
 *   openExternalSafely('tel:+15555550100', (url) => shell.openExternal(url)); // true, dials
 *   openExternalSafely('file:///etc/passwd', (url) => shell.openExternal(url)); // false, ignored
 */

/**
 * Raw inputs are rejected, not cleaned, when they contain whitespace or control characters: the URL
 * parser silently strips tabs and newlines ("java\nscript:" parses as "javascript:"), and bidi
 * overrides make a link read differently from where it goes.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSAFE_CHARACTERS = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

/** Longer than any real link, and above what Windows passes to a URL handler anyway. */
const MAX_URL_LENGTH = 2048;

/**
 * Dialers only ever get a phone number (digits, an optional leading +, visual separators and an
 * `;ext=`): a softphone's URL handler is a command line we don't control, so nothing else may reach it.
 */
const PHONE_PATTERN = /^\+?[0-9][0-9().-]{0,31}(;ext=[0-9]{1,10})?$/;

/**
 * Returns the normalised URL when it may be handed to the operating system, or null. Exported for
 * callers that need the decision without the side effect (e.g. to render a link as disabled).
 */
export function safeExternalUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  if (UNSAFE_CHARACTERS.test(url)) return null;

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // Credentials in a URL are a phishing device (https://bank.example@evil.example/) and we never
  // need them.
  if (parsed.username !== '' || parsed.password !== '') return null;

  switch (parsed.protocol) {
    case 'https:':
      return parsed.hostname === '' ? null : parsed.href;
    case 'mailto:':
      return parsed.pathname === '' ? null : parsed.href;
    case 'tel:':
      return PHONE_PATTERN.test(parsed.pathname) && parsed.search === '' && parsed.hash === ''
        ? parsed.href
        : null;
    case 'callto:': {
      // Skype-style handlers accept both `callto:+1555...` and `callto://+1555...`.
      const number = parsed.host !== '' ? parsed.host + parsed.pathname : parsed.pathname;
      return PHONE_PATTERN.test(number) && parsed.search === '' && parsed.hash === ''
        ? parsed.href
        : null;
    }
    default:
      // javascript:, file:, http: (cleartext), data:, vbscript:, smb: (leaks NTLM hashes),
      // custom app protocols: none of them is something a sales rep needs from a lead.
      return null;
  }
}

/**
 * Opens `url` with `open` (in the app: `shell.openExternal`) if it is an allowed https, mailto,
 * tel or callto URL. Returns whether `open` was called. `open` is an argument so tests can pass a
 * spy and feed this hostile input. A failing `open` (no handler installed for tel:, say) is
 * logged, never thrown: the renderer asked for a side effect and cannot do anything about it.
 */
export function openExternalSafely(
  url: unknown,
  open: (url: string) => void | Promise<void>,
): boolean {
  const safe = safeExternalUrl(url);
  if (safe === null) {
    console.warn('[external-links] refused to open a URL that is not on the allow-list');
    return false;
  }
  const report = (error: unknown): void => {
    console.error('[external-links] the operating system could not open the URL', error);
  };
  try {
    Promise.resolve(open(safe)).catch(report);
  } catch (error) {
    report(error);
  }
  return true;
}
