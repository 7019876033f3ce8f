import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SetAwaySchema } from '../../../../src/shared/away';
import type { AwayActor, AwayService } from '../../lifecycle/away';
import type { Claims } from '../../routing/claims';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';

export interface ClaimAwayRouteDeps {
  readonly auth: RequestAuth;
  readonly claims: Claims;
  readonly away: AwayService;
}

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Claim mode (a rep claims an offered lead) and away periods (docs/lifecycle.md, "Claim mode and away periods"). */
export function claimAwayRoutes(app: FastifyInstance, deps: ClaimAwayRouteDeps): void {
  /** No body. 404 for a lead never offered to the rep, exactly as for one that does not exist. */
  app.post('/api/v1/leads/:id/claim', async (request) => {
    const { user } = await deps.auth.user(request, ['rep']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    return { lead: await deps.claims.claim(user, id) };
  });

  /** `:id` is a user id, or `me`. */
  app.get('/api/v1/users/:id/away', async (request) => {
    const { actor, userId } = await awayTarget(deps.auth, request);
    return { away: await deps.away.get(actor, userId) };
  });

  app.put('/api/v1/users/:id/away', async (request) => {
    const { actor, userId } = await awayTarget(deps.auth, request);
    const input = parseOr422(SetAwaySchema, request.body);
    return { away: await deps.away.set(actor, userId, input) };
  });

  app.delete('/api/v1/users/:id/away', async (request) => {
    const { actor, userId } = await awayTarget(deps.auth, request);
    return { away: await deps.away.end(actor, userId) };
  });
}

async function awayTarget(
  auth: RequestAuth,
  request: Parameters<RequestAuth['user']>[0],
): Promise<{ actor: AwayActor; userId: string }> {
  const { user } = await auth.user(request);
  const { id } = parseOr422(IdParams, request.params, 'path');
  return {
    actor: { id: user.id, role: user.role, teamId: user.team_id },
    userId: id === 'me' ? user.id : id,
  };
}
