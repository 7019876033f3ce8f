/*
 * Which sync-server addresses the app signs in to. The password and a 30-day token travel with
 * every request, so:
 *
 *   - https:// anywhere;
 *   - http:// only to this computer or a private network (loopback 127.0.0.0/8 and ::1,
 *     `localhost`, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7), and only when the user
 *     says so (the sign-in form's checkbox, `allowInsecureHttp` in `session.signIn`);
 *   - never credentials in the address, a query or a fragment.
 *
 * Decided on the address as the WHATWG URL parser reads it (what Node's HTTP client and the
 * page will connect to), so `http://0x7f.1` is 127.0.0.1 and `http://10.0.0.1.evil.com` is a
 * name. Other names are refused over http even when they resolve to a private address: the
 * answer could change after the check (DNS rebinding); use the IP or https. Link-local
 * (169.254.0.0/16, fe80::/10: no configured network, and cloud metadata endpoints), shared
 * address space (100.64.0.0/10: an ISP's customers) and 0.0.0.0 are not private here.
 *
 * Pure (the URL global only), so the page shows the same rule the app service enforces.
 *
 *   const verdict = serverAddressPolicy('http://192.168.1.20:8787');
 *   // { ok: true, url: 'http://192.168.1.20:8787', insecure: true }
 */

export type ServerAddressVerdict =
  | {
      readonly ok: true;
      /** The address to use: as parsed, without a trailing slash. */
      readonly url: string;
      /** http://: allowed only with the user's confirmation. */
      readonly insecure: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/** The sign-in form's one line on why http:// needs a yes. */
export const INSECURE_HTTP_WHY =
  'Over http:// your password and session travel unencrypted: Pounce allows it only for this computer or a private network.';

export function serverAddressPolicy(raw: string): ServerAddressVerdict {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'is not a web address (e.g. https://pounce.example.com)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'must start with https:// (or http:// on a private network)' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'must not contain a user name or password' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, reason: "must be the server's address only, without ? or #" };
  }
  const address = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.protocol === 'https:') return { ok: true, url: address, insecure: false };
  if (!isPrivateHost(url.hostname)) {
    return {
      ok: false,
      reason:
        'http:// is allowed only for this computer or a private network address (10.x, 172.16-31.x, 192.168.x, fc00::/7): use https://',
    };
  }
  return { ok: true, url: address, insecure: true };
}

/** A host as URL#hostname gives it: `localhost`, canonical dotted IPv4, or `[v6]`. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost') return true;
  if (host.startsWith('[') && host.endsWith(']')) {
    const words = ipv6Words(host.slice(1, -1));
    return words !== null && isPrivateIpv6(words);
  }
  const v4 = ipv4Bytes(host);
  return v4 !== null && isPrivateIpv4(v4);
}

function isPrivateIpv4([a, b]: readonly number[]): boolean {
  if (a === undefined || b === undefined) return false;
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function isPrivateIpv6(words: readonly number[]): boolean {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0] = words;
  const zeroPrefix = w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0;
  // ::1, loopback.
  if (zeroPrefix && w5 === 0 && w6 === 0 && w7 === 1) return true;
  // ::ffff:a.b.c.d, an IPv4 address: the IPv4 rule decides (::ffff:8.8.8.8 is public).
  if (zeroPrefix && w5 === 0xffff) {
    return isPrivateIpv4([w6 >> 8, w6 & 0xff, w7 >> 8, w7 & 0xff]);
  }
  // fc00::/7, unique local addresses.
  return (w0 & 0xfe00) === 0xfc00;
}

/** `a.b.c.d` with four decimal bytes (URL has already turned 0x7f.1 and friends into this). */
function ipv4Bytes(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The eight 16-bit words of an IPv6 address as URL prints it (compressed hex, no zone). */
function ipv6Words(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(piece)) return null;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const head = words(halves[0] ?? '');
  const tail = words(halves[1] ?? '');
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}
