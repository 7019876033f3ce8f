import type { FastifyInstance } from 'fastify';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../../../../src/shared/sync-protocol';
import { LoginRequestSchema, UpdateMeSchema } from '../../../../src/shared/user';
import { toUser } from '../../domain/mappers';
import type { Accounts } from '../../services/accounts';
import { incompatibleProtocol } from '../../sync/sync-service';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

export function authRoutes(
  app: FastifyInstance,
  deps: { accounts: Accounts; auth: RequestAuth },
): void {
  app.post('/api/v1/auth/login', async (request) => {
    // An app that says which sync protocol it speaks learns "update" at sign-in, before it
    // stores a session it could not use. Clients that send no header (scripts, curl) may sign in.
    const protocol = request.headers[SYNC_PROTOCOL_HEADER];
    if (protocol !== undefined && protocol !== String(SYNC_PROTOCOL_VERSION)) {
      throw incompatibleProtocol(protocol);
    }
    const { email, password } = parseOr422(LoginRequestSchema, request.body);
    return deps.accounts.login(email, password, request.ip);
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    const { sessionId } = await deps.auth.user(request);
    await deps.accounts.logout(sessionId);
    return reply.status(204).send();
  });

  app.get('/api/v1/me', async (request) => {
    const { user } = await deps.auth.user(request);
    return { user: toUser(user) };
  });

  /** A rep switches "receiving leads" on or off for themselves. */
  app.patch('/api/v1/me', async (request) => {
    const { user } = await deps.auth.user(request);
    const input = parseOr422(UpdateMeSchema, request.body);
    return { user: await deps.accounts.updateUser(user.id, input) };
  });
}
