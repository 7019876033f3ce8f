import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LEAD_STATUSES, leadInputSchema, type Lead } from '../../../../src/shared/lead';
import { toLead, toTimelineEntry } from '../../domain/mappers';
import { ApiError } from '../../domain/api-error';
import type { IntakeResult, IntakeService } from '../../intake/intake-service';
import type { Db } from '../../repos/db-types';
import { listLeadEvents } from '../../repos/lead-events';
import { findVisibleLead, listLeads } from '../../repos/leads';
import { leadScopeFor } from '../../services/lead-access';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

const IdempotencyKey = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** A list cursor (`nextCursor` of the previous page), decoded to the id to continue before. */
export const Cursor = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
      if (
        typeof decoded === 'object' &&
        decoded !== null &&
        'before' in decoded &&
        typeof decoded.before === 'string'
      ) {
        return decoded.before;
      }
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this server issued' });
    return z.NEVER;
  });

const ListQuery = z.strictObject({
  status: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(LEAD_STATUSES)).max(LEAD_STATUSES.length))
    .optional(),
  /** A user id, or `me`. */
  assignedTo: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.optional(),
});

export function encodeCursor(beforeId: string): string {
  return Buffer.from(JSON.stringify({ before: beforeId }), 'utf8').toString('base64url');
}

export interface LeadRouteDeps {
  readonly db: Db;
  readonly auth: RequestAuth;
  readonly intake: IntakeService;
  readonly defaultCountry: string;
  readonly clock: () => number;
  /** Leads one API key may post per window (config `intake.rateLimit`); null: no limit. */
  readonly rateLimit: { readonly max: number; readonly windowSeconds: number } | null;
}

/**
 * The per-key intake limit, run by @fastify/rate-limit (registered in app.ts) before the body is
 * read or anything written. Keyed by the presented credential's hash, so a stranger's requests
 * never spend a real key's allowance; a refused request is a 429 with `Retry-After`.
 */
function intakeRateLimit(rule: LeadRouteDeps['rateLimit']): FastifyContextConfig {
  if (rule === null) return {};
  return {
    rateLimit: {
      max: rule.max,
      timeWindow: rule.windowSeconds * 1000,
      keyGenerator: (request) =>
        `intake:${createHash('sha256')
          .update(request.headers.authorization ?? '')
          .digest('base64url')}`,
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new ApiError(
          429,
          'rate_limited',
          `more than ${context.max} leads in ${rule.windowSeconds} s from this API key; try again in ${seconds} s`,
          { retryAfterSeconds: seconds },
        );
      },
    },
  };
}

export function leadRoutes(app: FastifyInstance, deps: LeadRouteDeps): void {
  // Built once: zod compiles a schema on first use, which costs more than a parse.
  const leadSchema = leadInputSchema({ defaultCountry: deps.defaultCountry, clock: deps.clock });
  app.post('/api/v1/leads', { config: intakeRateLimit(deps.rateLimit) }, async (request, reply) => {
    const apiKey = await deps.auth.apiKey(request);
    const header = request.headers['idempotency-key'];
    const idempotencyKey = header === undefined ? null : parseIdempotencyKey(header);
    const input = parseOr422(leadSchema, request.body);
    const result = await deps.intake.submit(input, { originId: apiKey.id, idempotencyKey });
    return reply.status(result.created ? 201 : 200).send(intakeAnswer(result));
  });

  app.get('/api/v1/leads', async (request) => {
    const { user } = await deps.auth.user(request);
    const query = parseOr422(ListQuery, request.query, 'query');
    const assignedTo = query.assignedTo === 'me' ? user.id : query.assignedTo;
    const rows = await listLeads(deps.db, leadScopeFor(user), {
      statuses: query.status,
      ...(assignedTo !== undefined && { assignedTo }),
      ...(query.cursor !== undefined && { beforeId: query.cursor }),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      leads: page.map(toLead),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  });

  app.get('/api/v1/leads/:id', async (request) => {
    const { user } = await deps.auth.user(request);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const row = await findVisibleLead(deps.db, leadScopeFor(user), id);
    if (!row) throw ApiError.notFound('lead');
    return { lead: toLead(row) };
  });

  /** The lead's history: received, scored, nurtured or queued, assigned (with the reason), ... */
  app.get('/api/v1/leads/:id/events', async (request) => {
    const { user } = await deps.auth.user(request);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const row = await findVisibleLead(deps.db, leadScopeFor(user), id);
    if (!row) throw ApiError.notFound('lead');
    const events = await listLeadEvents(deps.db, id);
    return {
      events: events.map(toTimelineEntry),
    };
  });
}

/**
 * What the sender is told. An API key is a write credential: a new lead is answered with itself
 * (what the sender just sent, scored and routed), but a lead that existed before (a duplicate,
 * or the same person asking again) only by its id, since its fields may come from other senders
 * and its status and rep are the sales team's business. Posting someone's email must never read
 * their lead back.
 */
export function intakeAnswer(result: IntakeResult):
  | { lead: Lead }
  | { lead: { id: string }; duplicate: true }
  | {
      lead: { id: string };
      repeatInquiry: true;
    } {
  if (result.created) return { lead: result.lead };
  const lead = { id: result.lead.id };
  return result.repeatInquiry === true ? { lead, repeatInquiry: true } : { lead, duplicate: true };
}

function parseIdempotencyKey(header: string | string[]): string {
  if (Array.isArray(header)) {
    throw ApiError.validation(
      [{ field: 'Idempotency-Key', message: 'must be sent once' }],
      'the headers are not valid',
    );
  }
  const result = IdempotencyKey.safeParse(header);
  if (!result.success) {
    throw ApiError.validation(
      [{ field: 'Idempotency-Key', message: result.error.issues[0]?.message ?? 'is not valid' }],
      'the headers are not valid',
    );
  }
  return result.data;
}
