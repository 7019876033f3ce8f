import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Checking what senders prove themselves with. Every comparison is constant-time over
 * fixed-length digests, so neither the time taken nor an early exit tells an attacker how much
 * of a guess was right.
 */

/** A new source secret: 256 random bits, prefixed so a leaked one is recognisable. */
export function newSourceSecret(): string {
  return `pnc_w_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 in hex of a string (as UTF-8) or of bytes. */
export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

/** Whether `given` is the secret whose SHA-256 (hex) is `storedHash`. */
export function matchesHash(given: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(given, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function hmacSha256(secret: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

export type SignatureCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * Checks a `sha256=<digest>` signature header against HMAC-SHA256(secret, body). Typeform sends
 * the digest in base64; the generic webhook takes base64 or hex (64 hex digits or 44 base64
 * characters cannot be confused).
 *
 *   verifySignature(request.headers['typeform-signature'], secret, raw, ['base64'])
 */
export function verifySignature(
  header: string | string[] | undefined,
  secret: string,
  body: Buffer,
  encodings: readonly ('base64' | 'hex')[],
): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'signature missing' };
  if (Array.isArray(header)) return { ok: false, reason: 'signature sent more than once' };
  const match = /^([A-Za-z0-9-]+)=(.*)$/.exec(header.trim());
  if (!match || match[1] !== 'sha256')
    return { ok: false, reason: 'signature must start with "sha256="' };
  const digest = match[2] ?? '';
  let given: Buffer;
  if (encodings.includes('base64') && BASE64_DIGEST.test(digest))
    given = Buffer.from(digest, 'base64');
  else if (encodings.includes('hex') && HEX_DIGEST.test(digest)) given = Buffer.from(digest, 'hex');
  else return { ok: false, reason: `signature is not a ${encodings.join(' or ')} SHA-256 digest` };
  const expected = hmacSha256(secret, body);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : { ok: false, reason: 'signature does not match the body' };
}
