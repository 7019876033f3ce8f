import type { IncomingHttpHeaders } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Standard Webhooks (https://www.standardwebhooks.com), the generic webhook's signing scheme:
 *
 *   webhook-id:        the message id, the same on every retry of a message
 *   webhook-timestamp: Unix seconds when it was signed
 *   webhook-signature: v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<raw body>")>, several
 *                      separated by spaces (a sender rotating its secret signs with both)
 *
 * The id and the time are signed with the body, so a captured delivery cannot be sent again as
 * a new one: its id is the delivery id (a replay is a duplicate), and after the tolerance its
 * timestamp is refused. The key is the source secret's UTF-8 bytes, the key the older
 * `Pounce-Signature` scheme uses too; senders configure it as `whsec_` + base64 of those bytes
 * (`standardWebhookSecret`), the form Standard Webhooks libraries take.
 *
 * Our own small verifier rather than the `standardwebhooks` package at run time (the tests sign
 * with that package, as a real sender does): it reads the server's injectable clock (the
 * package reads Date.now()), signs the raw bytes (the package decodes a Buffer to a string
 * first), parses the headers strictly and says which part failed.
 */

export const STANDARD_WEBHOOK_ID = 'webhook-id';
export const STANDARD_WEBHOOK_TIMESTAMP = 'webhook-timestamp';
export const STANDARD_WEBHOOK_SIGNATURE = 'webhook-signature';
/** How far a timestamp may be from the server's clock, either way (the standard's 5 minutes). */
export const STANDARD_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

const MESSAGE_ID = /^[\x21-\x7e]{1,255}$/;
const TIMESTAMP = /^\d{1,15}$/;
const V1_SIGNATURE = /^v1,([A-Za-z0-9+/]{43}=)$/;
/** More signatures than a rotation needs is no sender of ours; it only costs HMAC comparisons. */
const MAX_SIGNATURES = 8;

/** The `whsec_` form of a source secret, for a Standard Webhooks sender. */
export function standardWebhookSecret(secret: string): string {
  return `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`;
}

/** Whether the request uses Standard Webhooks (any of its headers is present). */
export function isStandardWebhook(headers: IncomingHttpHeaders): boolean {
  return [STANDARD_WEBHOOK_ID, STANDARD_WEBHOOK_TIMESTAMP, STANDARD_WEBHOOK_SIGNATURE].some(
    (name) => headers[name] !== undefined,
  );
}

/**
 * Checks a Standard Webhooks delivery against `secret` at `nowMs`; on success, its message id.
 *
 *   const check = verifyStandardWebhook(request.headers, secret, raw, clock());
 *   if (check.ok) deliveryId = check.id;
 */
export function verifyStandardWebhook(
  headers: IncomingHttpHeaders,
  secret: string,
  body: Buffer,
  nowMs: number,
): { readonly ok: true; readonly id: string } | { readonly ok: false; readonly reason: string } {
  const id = single(headers, STANDARD_WEBHOOK_ID);
  const timestamp = single(headers, STANDARD_WEBHOOK_TIMESTAMP);
  const signature = single(headers, STANDARD_WEBHOOK_SIGNATURE);
  if (!id.ok) return id;
  if (!timestamp.ok) return timestamp;
  if (!signature.ok) return signature;
  if (!MESSAGE_ID.test(id.value))
    return { ok: false, reason: `${STANDARD_WEBHOOK_ID} must be 1-255 printable characters` };
  if (!TIMESTAMP.test(timestamp.value))
    return { ok: false, reason: `${STANDARD_WEBHOOK_TIMESTAMP} must be Unix seconds` };
  const skew = Number(timestamp.value) - Math.floor(nowMs / 1000);
  if (skew < -STANDARD_WEBHOOK_TOLERANCE_SECONDS)
    return { ok: false, reason: `${STANDARD_WEBHOOK_TIMESTAMP} is ${-skew} s old (at most 300)` };
  if (skew > STANDARD_WEBHOOK_TOLERANCE_SECONDS)
    return {
      ok: false,
      reason: `${STANDARD_WEBHOOK_TIMESTAMP} is ${skew} s in the future (at most 300)`,
    };

  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${id.value}.${timestamp.value}.`)
    .update(body)
    .digest();
  const given = signature.value.split(' ').filter((part) => part !== '');
  if (given.length > MAX_SIGNATURES)
    return {
      ok: false,
      reason: `${STANDARD_WEBHOOK_SIGNATURE} holds more than ${MAX_SIGNATURES} signatures`,
    };
  let v1 = 0;
  for (const part of given) {
    const match = V1_SIGNATURE.exec(part);
    if (!match) continue; // another version (v1a is asymmetric): not one we check
    v1 += 1;
    const digest = Buffer.from(match[1] ?? '', 'base64');
    if (digest.length === expected.length && timingSafeEqual(digest, expected))
      return { ok: true, id: id.value };
  }
  return {
    ok: false,
    reason:
      v1 === 0
        ? `${STANDARD_WEBHOOK_SIGNATURE} holds no v1,<base64 HMAC-SHA256> signature`
        : `${STANDARD_WEBHOOK_SIGNATURE} does not match the id, timestamp and body`,
  };
}

/** The header's one value, or why there is none. */
function single(
  headers: IncomingHttpHeaders,
  name: string,
): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string } {
  const value = headers[name];
  if (value === undefined || value === '') return { ok: false, reason: `${name} missing` };
  if (Array.isArray(value)) return { ok: false, reason: `${name} sent more than once` };
  return { ok: true, value };
}
