// Over 400 lines on purpose: one delivery's whole path (verify, map, validate, record, submit)
// reads top to bottom in one class; each source kind's own parts are in their own files.
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { FieldIssue } from '../../../src/shared/api-error';
import { uuidv7 } from '../../../src/shared/ids';
import { leadInputSchema, type LeadInput } from '../../../src/shared/lead';
import { describeIssues, fieldIssues } from '../../../src/shared/validation';
import { bearerToken } from '../auth/tokens';
import type { LeadSourceRow } from '../db/schema';
import type { WriteQueue } from '../db/write-queue';
import { ApiError } from '../domain/api-error';
import type { IntakeService } from '../intake/intake-service';
import type { Db } from '../repos/db-types';
import {
  countFailedSince,
  findSettledDelivery,
  findVerifiedDelivery,
  insertDelivery,
  type DeliveryStatus,
} from '../repos/source-deliveries';
import { findSourceById } from '../repos/sources';
import { mapWebhookBody, WEBHOOK_SIGNATURE_HEADER } from './generic-webhook';
import { GoogleLeadSchema, googleKeyOf, mapGoogleLead } from './google-ads';
import type { MappedLead } from './mapped-lead';
import { GoogleAdsMappingSchema, TypeformMappingSchema, WebhookMappingSchema } from './mapping';
import { SecretBoxError, type SecretBox } from './secret-box';
import { sealContext } from './source-admin';
import {
  mapTypeformResponse,
  TYPEFORM_SIGNATURE_HEADER,
  TYPEFORM_SUBMISSION,
  TypeformEventSchema,
} from './typeform';
import { isStandardWebhook, verifyStandardWebhook } from './standard-webhooks';
import { matchesHash, verifySignature } from './verify';

export interface WebhookRequest {
  readonly sourceId: string;
  /** The body's bytes exactly as received (signatures are over these), if there was a body. */
  readonly raw: Buffer | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
}

export interface WebhookAnswer {
  readonly status: 200 | 201;
  readonly delivery: {
    readonly id: string;
    readonly status: DeliveryStatus;
    readonly leadId: string | null;
    readonly issues?: readonly FieldIssue[];
    /** The same person asked again: the inquiry joined their lead (`leadId`). */
    readonly repeatInquiry?: true;
    /** A signed message id seen before: `id` is the first delivery's record; nothing written. */
    readonly replay?: true;
  };
}

/** What reading a delivery came to, before anything is written. */
type Verdict =
  /** 401: the sender did not prove itself. `reason` is recorded; `told` is what it is told. */
  | { readonly type: 'unverified'; readonly reason: string; readonly told?: string }
  /** 400/422: verified (or unverifiable) but not a payload of the kind. */
  | { readonly type: 'unreadable'; readonly error: ApiError }
  /** 200: a well-formed event that is not a submission (e.g. a Typeform partial response). */
  | { readonly type: 'ignored'; readonly reason: string; readonly deliveryId: string }
  /**
   * `signedId`: the delivery id is the signed Standard Webhooks message id, so an earlier
   * delivery with it makes this one a replay (answered as a duplicate, nothing written).
   */
  | { readonly type: 'mapped'; readonly mapped: MappedLead; readonly signedId?: boolean };

const IdempotencyKey = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** The most of a rejected lead's body kept on its delivery record for the admin to look at. */
const MAX_DETAIL_CHARS = 16 * 1024;

export interface WebhookIntakeDeps {
  readonly db: Db;
  readonly writes: WriteQueue;
  readonly intake: IntakeService;
  readonly box: SecretBox;
  readonly defaultCountry: string;
  readonly clock: () => number;
  /**
   * Failed deliveries (bad signature, unreadable body) recorded per source per hour; past it a
   * failure is answered the same but not written, so a flood of forged requests cannot grow the
   * database without bound. Default 1,000.
   */
  readonly maxFailedRecordsPerHour?: number;
}

/**
 * Takes one delivery to a source's webhook: verify the sender as its kind does, read and map the
 * payload, validate the lead as POST /api/v1/leads does, then record the delivery and (for a
 * new, real lead) take the lead in, both in one write. Every delivery to a known source is
 * recorded, whatever becomes of it; a failed verification writes that record and nothing else.
 *
 * Answers (see docs/api.md, "Lead sources"): 201 a new lead; 200 a repeat, a test lead, an
 * ignored event, or (Google, Typeform) a lead that fails validation, since the sender would
 * only retry the same payload; 401 not verified; 400 / 422 not a payload of the kind, and
 * (generic webhook) a lead that fails validation, naming the fields.
 *
 *   const answer = await webhooks.receive({ sourceId, raw, headers, remoteAddress });
 */
export class WebhookIntake {
  private readonly leadSchema: ReturnType<typeof leadInputSchema>;

  constructor(private readonly deps: WebhookIntakeDeps) {
    // A source's date outside 2000-01-01 .. now (a CRM's 1900-01-01 placeholder) becomes the
    // receive time, the sent value kept as a custom field: the sender cannot fix its data, and
    // refusing the delivery would lose the lead (docs/api.md, "Lead sources").
    this.leadSchema = leadInputSchema({
      defaultCountry: deps.defaultCountry,
      clock: deps.clock,
      sourceDates: 'receiveTime',
    });
  }

  async receive(request: WebhookRequest): Promise<WebhookAnswer> {
    const source = await findSourceById(this.deps.db, request.sourceId);
    // Not recorded: there is no source to record it for.
    if (!source || source.disabled_at !== null) throw ApiError.notFound('source');
    return this.settle(source, request, this.read(source, request));
  }

  private read(source: LeadSourceRow, request: WebhookRequest): Verdict {
    switch (source.kind) {
      case 'google_ads':
        return this.readGoogle(source, request);
      case 'typeform':
        return this.readTypeform(source, request);
      case 'webhook':
        return this.readWebhook(source, request);
    }
  }

  /** The key is inside the body, so the body must be parsed before the sender is known. */
  private readGoogle(source: LeadSourceRow, { raw }: WebhookRequest): Verdict {
    const json = parseJsonBody(raw);
    if (!json.ok) return { type: 'unreadable', error: json.error };
    const key = googleKeyOf(json.value);
    if (key === undefined) return { type: 'unverified', reason: 'google_key missing' };
    if (!matchesHash(key, source.secret_hash))
      return { type: 'unverified', reason: "google_key does not match the source's key" };
    const lead = GoogleLeadSchema.safeParse(json.value);
    if (!lead.success) return unreadable(lead.error, 'the body is not a Google Ads lead');
    const mapping = GoogleAdsMappingSchema.parse(JSON.parse(source.mapping));
    return { type: 'mapped', mapped: mapGoogleLead(lead.data, mapping, source.name) };
  }

  private readTypeform(source: LeadSourceRow, { raw, headers }: WebhookRequest): Verdict {
    const secret = this.openSecret(source);
    if (!secret.ok) return secret.verdict;
    const check = verifySignature(headers[TYPEFORM_SIGNATURE_HEADER], secret.value, bytes(raw), [
      'base64',
    ]);
    if (!check.ok) return { type: 'unverified', reason: `Typeform-Signature: ${check.reason}` };
    const json = parseJsonBody(raw);
    if (!json.ok) return { type: 'unreadable', error: json.error };
    const event = TypeformEventSchema.safeParse(json.value);
    if (!event.success) return unreadable(event.error, 'the body is not a Typeform webhook event');
    if (event.data.event_type !== TYPEFORM_SUBMISSION) {
      return {
        type: 'ignored',
        reason: `event_type "${event.data.event_type}" is not a submission; no lead made`,
        deliveryId: event.data.event_id,
      };
    }
    const mapping = TypeformMappingSchema.parse(JSON.parse(source.mapping));
    return { type: 'mapped', mapped: mapTypeformResponse(event.data, mapping, source.name) };
  }

  private readWebhook(source: LeadSourceRow, { raw, headers }: WebhookRequest): Verdict {
    const mapping = WebhookMappingSchema.parse(JSON.parse(source.mapping));
    const signature = headers[WEBHOOK_SIGNATURE_HEADER];
    const standard = isStandardWebhook(headers);
    // A signature that is sent must hold, whatever else the request carries.
    let signedId: string | null = null;
    if (standard || signature !== undefined) {
      const secret = this.openSecret(source);
      if (!secret.ok) return secret.verdict;
      if (standard) {
        const check = verifyStandardWebhook(headers, secret.value, bytes(raw), this.deps.clock());
        if (!check.ok) return { type: 'unverified', reason: `Standard Webhooks: ${check.reason}` };
        signedId = check.id;
      }
      if (signature !== undefined) {
        const check = verifySignature(signature, secret.value, bytes(raw), ['hex', 'base64']);
        if (!check.ok) return { type: 'unverified', reason: `Pounce-Signature: ${check.reason}` };
      }
    } else if (mapping.requireSignature) {
      return {
        type: 'unverified',
        reason:
          'not signed (this source accepts signed deliveries only: Standard Webhooks or Pounce-Signature)',
      };
    } else {
      const token = bearerToken(headers.authorization);
      if (!token)
        return {
          type: 'unverified',
          reason:
            'sign with Standard Webhooks (webhook-signature) or Pounce-Signature, or send Authorization: Bearer <source secret>',
        };
      if (!matchesHash(token, source.secret_hash))
        return { type: 'unverified', reason: "the bearer secret is not the source's secret" };
    }

    // Signed, the message id is the delivery id; the Idempotency-Key header is not signed, so a
    // replay could change it: it is not read then.
    const header = signedId === null ? headers['idempotency-key'] : undefined;
    let idempotencyKey: string | null = signedId;
    if (header !== undefined) {
      const parsed = IdempotencyKey.safeParse(header);
      if (!parsed.success) {
        const message = Array.isArray(header)
          ? 'must be sent once'
          : (parsed.error.issues[0]?.message ?? 'is not valid');
        return {
          type: 'unreadable',
          error: ApiError.validation(
            [{ field: 'Idempotency-Key', message }],
            'the headers are not valid',
          ),
        };
      }
      idempotencyKey = parsed.data;
    }
    const json = parseJsonBody(raw);
    if (!json.ok) return { type: 'unreadable', error: json.error };
    if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) {
      return {
        type: 'unreadable',
        error: ApiError.validation(
          [{ field: '', message: 'must be a JSON object' }],
          'the body is not valid',
        ),
      };
    }
    const body = json.value as Record<string, unknown>;
    return {
      type: 'mapped',
      mapped: mapWebhookBody(body, bytes(raw), mapping, source.name, idempotencyKey),
      signedId: signedId !== null,
    };
  }

  private async settle(
    source: LeadSourceRow,
    request: WebhookRequest,
    verdict: Verdict,
  ): Promise<WebhookAnswer> {
    switch (verdict.type) {
      case 'unverified': {
        const id = await this.recordFailure(source, request, {
          status: 'rejected_verification',
          reason: verdict.reason,
        });
        throw new ApiError(
          401,
          'unauthorized',
          `the delivery is not verified: ${verdict.told ?? verdict.reason}`,
          { delivery: { id } },
        );
      }
      case 'unreadable': {
        const { error } = verdict;
        const issues = issuesOf(error.details);
        const id = await this.recordFailure(source, request, {
          status: 'invalid',
          reason: issues.length > 0 ? `${error.message}: ${describeIssues(issues)}` : error.message,
          detail: issues.length > 0 ? { issues } : null,
        });
        const details = typeof error.details === 'object' && error.details ? error.details : {};
        throw new ApiError(error.status, error.code, error.message, {
          ...details,
          delivery: { id },
        });
      }
      case 'ignored': {
        const id = await this.record(source, request, {
          status: 'invalid',
          reason: verdict.reason,
          deliveryId: verdict.deliveryId,
        });
        return { status: 200, delivery: { id, status: 'invalid', leadId: null } };
      }
      case 'mapped':
        return this.settleLead(source, request, verdict.mapped, verdict.signedId === true);
    }
  }

  private async settleLead(
    source: LeadSourceRow,
    request: WebhookRequest,
    mapped: MappedLead,
    signedId: boolean,
  ): Promise<WebhookAnswer> {
    const notes = mapped.notes.length > 0 ? mapped.notes.join('; ') : null;
    const parsed = this.leadSchema.safeParse(mapped.body);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error);
      const status = mapped.isTest ? 'test' : 'invalid';
      const row = this.deliveryRow(source, request, {
        status,
        reason: `the mapped lead is not valid: ${describeIssues(issues)}`,
        deliveryId: mapped.deliveryId,
        leadId: null,
        detail: { issues, lead: bounded(mapped.body) },
      });
      const kept = await this.deps.writes.run(
        async ({
          trx,
        }): Promise<{ replay: WebhookAnswer; id?: never } | { id: string; replay?: never }> => {
          if (signedId) {
            const replay = await replayOf(trx, source, mapped.deliveryId);
            if (replay) return { replay };
            // The same message failing again (a retry, or a replay): its first record stands.
            const earlier = await findVerifiedDelivery(trx, source.id, mapped.deliveryId);
            if (earlier) return { id: earlier.id };
          }
          await insertDelivery(trx, row);
          return { id: row.id };
        },
      );
      if (kept.replay) return kept.replay;
      const id = kept.id;
      if (source.kind === 'webhook' && !mapped.isTest) {
        throw new ApiError(422, 'validation_failed', 'the mapped lead is not valid', {
          fields: issues,
          delivery: { id },
        });
      }
      return { status: 200, delivery: { id, status, leadId: null, issues } };
    }
    const input = parsed.data;
    return this.deps.writes.run(async (ctx) => {
      const row = (status: DeliveryStatus, leadId: string | null, reason = notes) =>
        this.deliveryRow(source, request, {
          status,
          reason,
          deliveryId: mapped.deliveryId,
          leadId,
          detail: status === 'test' ? { lead: storedInput(input) } : null,
        });
      const replay = signedId ? await replayOf(ctx.trx, source, mapped.deliveryId) : null;
      if (replay) return replay;
      const prior = await findSettledDelivery(ctx.trx, source.id, mapped.deliveryId);
      if (prior) {
        const record = row('duplicate', prior.lead_id, `repeat of delivery ${prior.id}`);
        await insertDelivery(ctx.trx, record);
        return answer(200, record);
      }
      if (mapped.isTest) {
        const record = row('test', null);
        await insertDelivery(ctx.trx, record);
        return answer(200, record);
      }
      const result = await this.deps.intake.submitWithin(ctx, input, {
        originId: source.id,
        idempotencyKey: mapped.deliveryId,
      });
      const record = result.created
        ? row('accepted', result.lead.id)
        : row(
            'duplicate',
            result.lead.id,
            result.repeatInquiry === true
              ? 'a repeat inquiry: joined the lead of the same person'
              : 'the lead exists (same externalId)',
          );
      await insertDelivery(ctx.trx, record);
      // Like POST /api/v1/leads, the sender learns the lead's id, never its fields.
      return answer(result.created ? 201 : 200, record, result.repeatInquiry === true);
    });
  }

  /** Records a delivery that makes no lead; resolves to the record's id once durable. */
  private async record(
    source: LeadSourceRow,
    request: WebhookRequest,
    fields: {
      status: DeliveryStatus;
      reason: string | null;
      deliveryId?: string | null;
      detail?: unknown;
    },
  ): Promise<string> {
    const row = this.deliveryRow(source, request, { leadId: null, ...fields });
    await this.deps.writes.run(({ trx }) => insertDelivery(trx, row));
    return row.id;
  }

  /**
   * A delivery that failed before its sender was known to be the source (a bad signature or
   * key, an unreadable body): recorded for the admin up to the hourly cap, then answered the
   * same way but not written (null).
   */
  private async recordFailure(
    source: LeadSourceRow,
    request: WebhookRequest,
    fields: { status: DeliveryStatus; reason: string | null; detail?: unknown },
  ): Promise<string | null> {
    const row = this.deliveryRow(source, request, { leadId: null, ...fields });
    const cap = this.deps.maxFailedRecordsPerHour ?? 1_000;
    const since = row.received_at - 3_600_000;
    return this.deps.writes.run(async ({ trx }) => {
      if ((await countFailedSince(trx, source.id, since, cap)) >= cap) return null;
      await insertDelivery(trx, row);
      return row.id;
    });
  }

  private deliveryRow(
    source: LeadSourceRow,
    request: WebhookRequest,
    fields: {
      status: DeliveryStatus;
      reason: string | null;
      deliveryId?: string | null;
      leadId: string | null;
      detail?: unknown;
    },
  ) {
    const now = this.deps.clock();
    return {
      id: uuidv7(),
      source_id: source.id,
      status: fields.status,
      reason: fields.reason,
      delivery_id: fields.deliveryId ?? null,
      lead_id: fields.leadId,
      detail:
        fields.detail === undefined || fields.detail === null
          ? null
          : JSON.stringify(fields.detail),
      remote_address: request.remoteAddress,
      received_at: now,
    };
  }

  private openSecret(
    source: LeadSourceRow,
  ): { ok: true; value: string } | { ok: false; verdict: Verdict } {
    // The sender is told only that the server cannot check; the record says why.
    const told = 'the server cannot check signatures for this source now';
    if (source.secret_sealed === null)
      return {
        ok: false,
        verdict: { type: 'unverified', reason: 'the source has no signing secret', told },
      };
    try {
      return { ok: true, value: this.deps.box.open(source.secret_sealed, sealContext(source.id)) };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      return {
        ok: false,
        verdict: {
          type: 'unverified',
          reason: `cannot open the source's secret: ${error.message}`,
          told,
        },
      };
    }
  }
}

/**
 * A signed Standard Webhooks message id this source already settled (a lead, or a test lead):
 * a retry of a delivery whose answer was lost, or a replay of a captured one. Either way it is
 * answered as the duplicate of the first record and nothing is written: no record, no lead, no
 * repeat inquiry. (200, not 409: a sender retries a message until it gets a 2xx.) A message
 * that failed validation settles nothing: its retry is taken afresh once the mapping is fixed.
 */
async function replayOf(
  trx: Db,
  source: LeadSourceRow,
  messageId: string,
): Promise<WebhookAnswer | null> {
  const earlier = await findSettledDelivery(trx, source.id, messageId);
  if (!earlier) return null;
  return {
    status: 200,
    delivery: { id: earlier.id, status: 'duplicate', leadId: earlier.lead_id, replay: true },
  };
}

function answer(
  status: 200 | 201,
  record: { id: string; status: DeliveryStatus; lead_id: string | null },
  repeatInquiry = false,
): WebhookAnswer {
  return {
    status,
    delivery: {
      id: record.id,
      status: record.status,
      leadId: record.lead_id,
      ...(repeatInquiry && { repeatInquiry: true as const }),
    },
  };
}

const EMPTY = Buffer.alloc(0);
const bytes = (raw: Buffer | undefined) => raw ?? EMPTY;

/**
 * JSON as the rest of the API reads it: an empty or malformed body is a 400, and so is one with
 * `__proto__` or `constructor.prototype` keys (the app's proto-poisoning rule).
 */
export function parseJsonBody(
  raw: Buffer | undefined,
): { ok: true; value: unknown } | { ok: false; error: ApiError } {
  if (!raw || raw.length === 0)
    return {
      ok: false,
      error: new ApiError(400, 'invalid_json', 'the body is empty; send a JSON object'),
    };
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'), (key, value: unknown) => {
      if (
        key === '__proto__' ||
        (key === 'constructor' &&
          typeof value === 'object' &&
          value !== null &&
          'prototype' in value)
      )
        throw new SyntaxError('forbidden prototype property');
      return value;
    });
    return { ok: true, value };
  } catch {
    return { ok: false, error: new ApiError(400, 'invalid_json', 'the body is not valid JSON') };
  }
}

function unreadable(error: z.ZodError, message: string): Verdict {
  return { type: 'unreadable', error: ApiError.validation(fieldIssues(error), message) };
}

function issuesOf(details: unknown): FieldIssue[] {
  if (typeof details === 'object' && details !== null && 'fields' in details) {
    const fields = details.fields;
    if (Array.isArray(fields)) return fields as FieldIssue[];
  }
  return [];
}

/** A lead body small enough to keep on a record, or a note that it was not kept. */
function bounded(body: Record<string, unknown>): unknown {
  const text = JSON.stringify(body);
  return text.length <= MAX_DETAIL_CHARS ? body : { omitted: `${text.length} characters` };
}

/** A validated lead as a test delivery keeps it: readable dates. */
function storedInput(input: LeadInput): Record<string, unknown> {
  return { ...input, receivedAt: new Date(input.receivedAt).toISOString() };
}
