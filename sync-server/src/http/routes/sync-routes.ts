import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  PullQuerySchema,
  PushRequestSchema,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
  PLAYBOOK_PATH,
  SYNC_PULL_PATH,
  SYNC_PUSH_PATH,
} from '../../../../src/shared/sync-protocol';
import type { LeadActions } from '../../services/lead-actions';
import { incompatibleProtocol, type SyncService } from '../../sync/sync-service';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

export interface SyncRouteDeps {
  readonly auth: RequestAuth;
  readonly sync: SyncService;
  readonly leadActions: LeadActions;
}

const ReassignParams = z.strictObject({ id: z.string().min(1).max(64) });
const ReassignBody = z.strictObject({
  toUserId: z.string().min(1).max(64),
  note: z.string().trim().max(500).optional(),
});

/** The sync protocol (docs/sync-protocol.md) and the lead moves that feed its revocations. */
export function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): void {
  // Any signed-in user: the same for the whole server, and nothing in it is about one lead.
  app.get(PLAYBOOK_PATH, async (request) => {
    await deps.auth.user(request);
    return deps.sync.playbook;
  });

  app.post(SYNC_PUSH_PATH, async (request) => {
    const { user } = await deps.auth.user(request);
    // The version first: a body from another protocol version may not parse at all, and the
    // app must learn "update", not "your request is invalid".
    const version = versionOf(request.body);
    if (version !== SYNC_PROTOCOL_VERSION) throw incompatibleProtocol(version);
    const body = parseOr422(PushRequestSchema, request.body);
    return deps.sync.push(user, body);
  });

  app.get(SYNC_PULL_PATH, async (request, reply) => {
    const { user } = await deps.auth.user(request);
    const header = request.headers[SYNC_PROTOCOL_HEADER];
    if (header !== String(SYNC_PROTOCOL_VERSION)) throw incompatibleProtocol(header ?? 'none');
    const query = parseOr422(PullQuerySchema, request.query, 'query');
    const body = await deps.sync.pull(user, query.cursor, query.limit);
    // Already JSON text (see SyncService.pull): sent as it is.
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.post('/api/v1/leads/:id/reassign', async (request) => {
    const { user } = await deps.auth.user(request, ['lead', 'admin']);
    const { id } = parseOr422(ReassignParams, request.params, 'path');
    const body = parseOr422(ReassignBody, request.body);
    const lead = await deps.leadActions.reassign(user, id, body.toUserId, body.note ?? null);
    return { lead };
  });
}

function versionOf(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('protocolVersion' in body)) return 'none';
  return body.protocolVersion;
}
