import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type BoardCharts, CHART_DAYS } from '../../../../src/shared/board-charts';
import type { LeadStatus } from '../../../../src/shared/lead';
import { type Playbook, playbookPriorityOptions } from '../../../../src/shared/playbook';
import { orderQueue, plainRow } from '../../../../src/shared/priority';
import type { Config } from '../../config/schema';
import type { TeamRow, UserRow } from '../../db/schema';
import { toLead } from '../../domain/mappers';
import { ApiError } from '../../domain/api-error';
import { ChartsReader } from '../../metrics/charts-reader';
import { teamZone } from '../../metrics/history';
import type { Db } from '../../repos/db-types';
import { listLeads } from '../../repos/leads';
import { listRepQueueLeads } from '../../repos/rep-queue';
import { findTeamById } from '../../repos/teams';
import { findUserById } from '../../repos/users';
import type { LeadActions } from '../../services/lead-actions';
import type { RequestAuth } from '../auth';
import { parseOr422 } from '../validate';
import { Cursor, encodeCursor } from './lead-routes';

/*
 * What the team-lead board reads and does besides its live socket (docs/api.md, "The team-lead
 * board"): charts, the team queue and the nurture pool, releasing a lead to the queue, and one
 * rep's queue as the rep sees it. Team leads of the team and admins only: a rep is 403, another
 * team's lead 404 (as for a team or user that does not exist).
 */

export interface BoardRouteDeps {
  readonly db: Db;
  readonly auth: RequestAuth;
  readonly leadActions: LeadActions;
  /** `metrics.timeZone` and `metrics.teamTimeZones`: whose calendar day is "today". */
  readonly metrics: Pick<Config['metrics'], 'timeZone' | 'teamTimeZones'>;
  /** The server's playbook: the rep's app orders its queue with it. */
  readonly playbook: Playbook;
  readonly clock: () => number;
}

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

const ChartsQuery = z.strictObject({
  days: z.coerce.number().int().min(CHART_DAYS.min).max(CHART_DAYS.max).default(CHART_DAYS.default),
});

/** The team's pools a board lists: waiting for a rep, back with marketing, or held by reps. */
const POOLS = {
  unassigned: ['unassigned'],
  nurture: ['nurture'],
  open: ['assigned', 'working'],
} as const satisfies Record<string, readonly LeadStatus[]>;

const TeamLeadsQuery = z.strictObject({
  status: z.enum(['unassigned', 'nurture', 'open']),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: Cursor.optional(),
});

const ReleaseBody = z.strictObject({ note: z.string().trim().max(500).optional() });

export function boardRoutes(app: FastifyInstance, deps: BoardRouteDeps): void {
  const { db, auth } = deps;
  const priority = playbookPriorityOptions(deps.playbook);
  const charts = new ChartsReader({ db, clock: deps.clock });

  app.get('/api/v1/teams/:id/board/charts', async (request): Promise<BoardCharts> => {
    const { user } = await auth.user(request, ['lead', 'admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const { days } = parseOr422(ChartsQuery, request.query, 'query');
    const team = await visibleTeam(db, user, id);
    return charts.read({ id: team.id, zone: teamZone(deps.metrics, team.name) }, days);
  });

  /**
   * The team queue (`unassigned`, leads on offer included), the nurture pool, or the held leads
   * (`open`): newest first, paged like `GET /api/v1/leads`. That endpoint serves a team lead the
   * same (their scope is their team); this one also gives an admin one team's pool.
   */
  app.get('/api/v1/teams/:id/leads', async (request) => {
    const { user } = await auth.user(request, ['lead', 'admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const query = parseOr422(TeamLeadsQuery, request.query, 'query');
    const team = await visibleTeam(db, user, id);
    const rows = await listLeads(
      db,
      { kind: 'team', teamId: team.id },
      {
        statuses: POOLS[query.status],
        ...(query.cursor !== undefined && { beforeId: query.cursor }),
        limit: query.limit + 1,
      },
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      leads: page.map(toLead),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  });

  /** `{note?}` or no body -> `{lead}`: the lead as it is after the release (and re-route). */
  app.post('/api/v1/leads/:id/release', async (request) => {
    const { user } = await auth.user(request, ['lead', 'admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const body = parseOr422(ReleaseBody, request.body ?? {});
    return { lead: await deps.leadActions.release(user, id, body.note || null) };
  });

  /** Read-only: the rep's queue in their order, `{items: [{lead, row}]}`. */
  app.get('/api/v1/users/:id/queue', async (request) => {
    const { user } = await auth.user(request, ['lead', 'admin']);
    const { id } = parseOr422(IdParams, request.params, 'path');
    const rep = await findUserById(db, id);
    if (!rep || (user.role === 'lead' && (user.team_id === null || rep.team_id !== user.team_id))) {
      throw ApiError.notFound('user');
    }
    if (rep.role !== 'rep') {
      throw ApiError.validation([{ field: 'id', message: 'is not a rep: only reps have a queue' }]);
    }
    const leads = (await listRepQueueLeads(db, rep.id)).map(toLead);
    const byId = new Map(leads.map((l) => [l.id, l]));
    // Ordered over everything the rep holds, so ranks are the rep's; then a team lead is shown
    // only their team's leads (a rep who moved team may still hold another team's).
    const order = orderQueue(leads, deps.clock(), priority);
    const items = order.rows.flatMap((row) => {
      const lead = byId.get(row.id);
      if (!lead || (user.role === 'lead' && lead.teamId !== user.team_id)) return [];
      return [{ lead, row: plainRow(row) }];
    });
    return { items };
  });
}

/** The team, if `user` may watch its board: an admin any, a team lead their own (else 404). */
async function visibleTeam(db: Db, user: UserRow, teamId: string): Promise<TeamRow> {
  const team = await findTeamById(db, teamId);
  if (!team || (user.role === 'lead' && user.team_id !== team.id)) {
    throw ApiError.notFound('team');
  }
  return team;
}
