import type { FastifyInstance } from 'fastify';
import { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from '../../../../src/shared/sync-protocol';
import { LoginRequestSchema, UpdateMeSchema } from '../../../../src/shared/user';
import type { RateLimitRule } from '../../auth/rate-limit';
import { toUser } from '../../domain/mappers';
import { ApiError } from '../../domain/api-error';
import type { Accounts } from '../../services/accounts';
import { incompatibleProtocol } from '../../sync/sync-service';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

export function authRoutes(
  app: FastifyInstance,
  deps: { accounts: Accounts; auth: RequestAuth; loginPerAddress: RateLimitRule },
): void {
  // Its own plugin, so the route is declared after the limiter (@fastify/rate-limit, registered
  // once in app.ts) has loaded. The per-address request limit covers sign-in only. It counts
  // every sign-in request, successful ones too, when it arrives (before the body is read or a
  // password hashed), so it also bounds the KDF work one address can ask of the server. The
  // per-account limits are the Accounts service's (they need to know the outcome).
  void app.register((scope, _options, done) => {
    scope.post(
      '/api/v1/auth/login',
      {
        config: {
          rateLimit: {
            max: deps.loginPerAddress.max,
            timeWindow: deps.loginPerAddress.windowSeconds * 1000,
            errorResponseBuilder: (_request, context) => {
              const wait = Math.max(1, Math.ceil(context.ttl / 1000));
              return new ApiError(
                429,
                'rate_limited',
                `too many sign-ins from this address; try again in ${wait} s`,
                { retryAfterSeconds: wait },
              );
            },
          },
        },
      },
      async (request) => {
        // An app that says which sync protocol it speaks learns "update" at sign-in, before it
        // stores a session it could not use. Clients that send no header (scripts, curl) may
        // sign in.
        const protocol = request.headers[SYNC_PROTOCOL_HEADER];
        if (protocol !== undefined && protocol !== String(SYNC_PROTOCOL_VERSION)) {
          throw incompatibleProtocol(protocol);
        }
        const { email, password } = parseOr422(LoginRequestSchema, request.body);
        return deps.accounts.login(email, password, request.ip);
      },
    );
    done();
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
