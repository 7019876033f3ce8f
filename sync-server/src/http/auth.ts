import type { FastifyRequest } from 'fastify';
import type { UserRole } from '../../../src/shared/user';
import { bearerToken } from '../auth/tokens';
import { ApiError } from '../domain/api-error';
import type { SessionWithUser } from '../repos/sessions';
import type { Accounts } from '../services/accounts';

/**
 * Request authentication. Each route names what it needs: a user token (optionally with one of
 * some roles) or an intake API key. The two kinds of secret are not interchangeable.
 */
export class RequestAuth {
  constructor(private readonly accounts: Accounts) {}

  async user(request: FastifyRequest, roles?: readonly UserRole[]): Promise<SessionWithUser> {
    const token = bearerToken(request.headers.authorization);
    const auth = token ? await this.accounts.authenticate(token) : undefined;
    if (!auth) throw ApiError.unauthorized();
    if (roles && !roles.includes(auth.user.role)) throw ApiError.forbidden();
    return auth;
  }

  async apiKey(request: FastifyRequest): Promise<{ id: string; name: string }> {
    const key = bearerToken(request.headers.authorization);
    const apiKey = key ? await this.accounts.authenticateApiKey(key) : undefined;
    if (!apiKey) throw ApiError.unauthorized('missing or invalid API key');
    return apiKey;
  }
}
