import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../repos/source-deliveries';
import {
  CreateSourceSchema,
  UpdateSourceSchema,
  type SourceAdmin,
} from '../../sources/source-admin';
import type { WebhookIntake } from '../../sources/webhook-intake';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** `failed` stands for the deliveries an admin has to look at. */
const FAILED: readonly DeliveryStatus[] = ['rejected_verification', 'invalid'];

const DeliveriesQuery = z.strictObject({
  status: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .flatMap((x): string[] => (x === 'failed' ? [...FAILED] : [x])),
    )
    .pipe(z.array(z.enum(DELIVERY_STATUSES)).max(10))
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .transform((raw, ctx) => {
      const id = decodeCursor(raw);
      if (id !== undefined) return id;
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this server issued' });
      return z.NEVER;
    })
    .optional(),
});

export interface SourceRouteDeps {
  readonly auth: RequestAuth;
  readonly sources: SourceAdmin;
  readonly webhooks: WebhookIntake;
}

/**
 * Lead sources. Managing them is for admins only: sources are not a team's, and their delivery
 * records hold the data of leads of every team. The webhook takes no token: each kind proves
 * the sender its own way (docs/api.md, "Lead sources").
 */
export function sourceRoutes(app: FastifyInstance, deps: SourceRouteDeps): void {
  app.post('/api/v1/sources', async (request, reply) => {
    const { user } = await deps.auth.user(request, ['admin']);
    const input = parseOr422(CreateSourceSchema, request.body);
    return reply.status(201).send(await deps.sources.create(input, user.id));
  });

  app.get('/api/v1/sources', async (request) => {
    await deps.auth.user(request, ['admin']);
    return { sources: await deps.sources.list() };
  });

  app.get('/api/v1/sources/:id', async (request) => {
    await deps.auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    return { source: await deps.sources.get(id) };
  });

  app.patch('/api/v1/sources/:id', async (request) => {
    await deps.auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const input = parseOr422(UpdateSourceSchema, request.body);
    return { source: await deps.sources.update(id, input) };
  });

  app.post('/api/v1/sources/:id/rotate-secret', async (request) => {
    await deps.auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    return deps.sources.rotateSecret(id);
  });

  app.get('/api/v1/sources/:id/deliveries', async (request) => {
    await deps.auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const query = parseOr422(DeliveriesQuery, request.query, 'query');
    const { deliveries, hasMore } = await deps.sources.deliveries(id, {
      statuses: query.status,
      beforeId: query.cursor,
      limit: query.limit,
    });
    const last = deliveries[deliveries.length - 1];
    return { deliveries, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
  });

  // Its own scope, so that only here JSON arrives as the raw bytes signatures are computed
  // over (within the server's body limit); the handler parses it after verifying.
  void app.register((scope, _options, done) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, next) =>
      next(null, body),
    );
    scope.post('/api/v1/sources/:id/webhook', async (request, reply) => {
      const { id } = parseOr422(IdParams, request.params, 'path');
      const answer = await deps.webhooks.receive({
        sourceId: id,
        raw: Buffer.isBuffer(request.body) ? request.body : undefined,
        headers: request.headers,
        remoteAddress: request.ip,
      });
      return reply.status(answer.status).send({ delivery: answer.delivery });
    });
    done();
  });
}

function encodeCursor(beforeId: string): string {
  return Buffer.from(JSON.stringify({ before: beforeId }), 'utf8').toString('base64url');
}

function decodeCursor(raw: string): string | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && 'before' in decoded)
      return typeof decoded.before === 'string' ? decoded.before : undefined;
  } catch {
    // not ours
  }
  return undefined;
}
