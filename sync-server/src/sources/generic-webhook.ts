import type { MappedLead } from './mapped-lead';
import { LeadDraft, type WebhookMapping } from './mapping';
import { sha256Hex } from './verify';

/*
 * The generic webhook: for form tools, Zapier-style automations and in-house systems. The sender
 * proves itself with `Pounce-Signature: sha256=<hex or base64 HMAC-SHA256(secret, raw body)>`,
 * or, when it cannot sign and the source allows it, with `Authorization: Bearer <secret>`.
 * The body is either the POST /api/v1/leads shape or, with `paths` in the mapping, any JSON
 * object whose values are picked out by JSON pointers.
 */

export const WEBHOOK_SIGNATURE_HEADER = 'pounce-signature';

/**
 * Maps a verified body. The delivery id is the sender's Idempotency-Key, else the lead's
 * externalId, else the SHA-256 of the raw body, so a sender's plain resend is still recognised.
 *
 *   mapWebhookBody(JSON.parse(raw), raw, mapping, 'Website', request.headers['idempotency-key'])
 */
export function mapWebhookBody(
  body: Record<string, unknown>,
  raw: Buffer,
  mapping: WebhookMapping,
  sourceName: string,
  idempotencyKey: string | null,
): MappedLead {
  const signals = mapping.signals ?? [];
  let lead: Record<string, unknown>;
  let notes: readonly string[] = [];
  if (mapping.paths) {
    const draft = new LeadDraft();
    for (const [pointer, target] of Object.entries(mapping.paths)) {
      const value = resolvePointer(body, pointer);
      const text = typeof value === 'string' ? value : primitiveText(value);
      if (text !== undefined) draft.set(target, text, lastToken(pointer));
    }
    lead = draft.toBody(sourceName, signals);
    notes = draft.notes;
  } else {
    // The public API's shape; the source, not the sender, names where the lead came from.
    lead = { ...body, source: sourceName };
    if (signals.length > 0) {
      const own = Array.isArray(body.signals) ? (body.signals as unknown[]) : [];
      lead.signals = [...own, ...signals.map((type) => ({ type }))];
    }
  }
  const externalId = typeof lead.externalId === 'string' ? lead.externalId.trim() : '';
  return {
    deliveryId: idempotencyKey ?? (externalId || `sha256:${sha256Hex(raw)}`),
    body: lead,
    isTest: false,
    notes,
  };
}

/** RFC 6901 look-up; undefined when the path does not exist. */
export function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

function primitiveText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return undefined;
}

function lastToken(pointer: string): string {
  return (pointer.split('/').pop() ?? pointer).replace(/~1/g, '/').replace(/~0/g, '~');
}
