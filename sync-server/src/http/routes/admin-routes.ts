import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateApiKeySchema,
  CreateTeamSchema,
  CreateUserSchema,
  UpdateTeamSchema,
  UpdateUserSchema,
} from '../../../../src/shared/user';
import { toTeam, toUser } from '../../domain/mappers';
import { listApiKeys } from '../../repos/api-keys';
import type { Db } from '../../repos/db-types';
import { listTeams } from '../../repos/teams';
import { listUsers } from '../../repos/users';
import type { Accounts } from '../../services/accounts';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Teams, users and API keys. Writes need an admin; team leads may read their own team. */
export function adminRoutes(
  app: FastifyInstance,
  deps: { db: Db; accounts: Accounts; auth: RequestAuth },
): void {
  const { accounts, auth } = deps;

  app.post('/api/v1/teams', async (request, reply) => {
    await auth.user(request, ['admin']);
    const { name } = parseOr422(CreateTeamSchema, request.body);
    return reply.status(201).send({ team: await accounts.createTeam(name) });
  });

  app.get('/api/v1/teams', async (request) => {
    const { user } = await auth.user(request, ['admin', 'lead']);
    const teams = (await listTeams(deps.db)).map(toTeam);
    return { teams: user.role === 'admin' ? teams : teams.filter((t) => t.id === user.team_id) };
  });

  /** `{assignment: "fair" | "claim"}`: how the team's new leads find a rep. */
  app.patch('/api/v1/teams/:id', async (request) => {
    await auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const input = parseOr422(UpdateTeamSchema, request.body);
    return { team: await accounts.updateTeam(id, input) };
  });

  app.post('/api/v1/users', async (request, reply) => {
    await auth.user(request, ['admin']);
    const input = parseOr422(CreateUserSchema, request.body);
    return reply.status(201).send({ user: await accounts.createUser(input) });
  });

  app.get('/api/v1/users', async (request) => {
    const { user } = await auth.user(request, ['admin', 'lead']);
    if (user.role === 'lead' && user.team_id === null) return { users: [] };
    const rows = await listUsers(
      deps.db,
      user.role === 'admin' ? {} : { teamId: user.team_id ?? '' },
    );
    return { users: rows.map(toUser) };
  });

  app.patch('/api/v1/users/:id', async (request) => {
    await auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const input = parseOr422(UpdateUserSchema, request.body);
    return { user: await accounts.updateUser(id, input) };
  });

  app.post('/api/v1/api-keys', async (request, reply) => {
    const { user } = await auth.user(request, ['admin']);
    const { name } = parseOr422(CreateApiKeySchema, request.body);
    return reply.status(201).send(await accounts.createApiKey(name, user.id));
  });

  app.get('/api/v1/api-keys', async (request) => {
    await auth.user(request, ['admin']);
    const keys = await listApiKeys(deps.db);
    return {
      apiKeys: keys.map((k) => ({
        id: k.id,
        name: k.name,
        createdAt: new Date(Number(k.created_at)).toISOString(),
        revokedAt: k.revoked_at === null ? null : new Date(Number(k.revoked_at)).toISOString(),
      })),
    };
  });

  app.delete('/api/v1/api-keys/:id', async (request, reply) => {
    await auth.user(request, ['admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    await accounts.revokeApiKey(id);
    return reply.status(204).send();
  });
}
