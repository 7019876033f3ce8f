import { z } from 'zod';
import type { BoardPool } from '../../shared/app-api';
import { type BoardCharts, BoardChartsSchema, boardChartsPath } from '../../shared/board-charts';
import type { BoardLead, BoardLeadName, BoardPerson, RepQueueItem } from '../../shared/board-view';
import { boardLeadOf } from '../../shared/board-view';
import { LeadSchema } from '../../shared/sync-protocol';
import { USER_ROLES } from '../../shared/user';
import { CommandError } from './command-error';
import { requestJson, TransportError } from './transport';

/*
 * What a team lead's board asks the server directly: charts, moving leads, a rep's queue, the
 * unassigned queue and nurture pool, and the names the live figures leave out. Like a claim,
 * none of it goes through the outbox: reassigning a lead offline would be a promise nobody can
 * keep, and a board shows what is true now. Every failure is a CommandError whose message a
 * team lead can act on.
 *
 *   const remote = core.boardRemote();
 *   await remote.reassign(leadId, repId);
 */

export interface Remote {
  readonly serverUrl: string;
  readonly token: string;
}

/** Up to this many leads of a pool are listed (the API's largest page). */
export const POOL_LIMIT = 200;

export class BoardRemote {
  constructor(
    private readonly remote: Remote,
    private readonly timeoutMs = 10_000,
  ) {}

  charts(teamId: string, days?: number): Promise<BoardCharts> {
    return this.ask('GET', boardChartsPath(teamId, days), BoardChartsSchema, 'read the charts');
  }

  async reassign(leadId: string, toUserId: string): Promise<BoardLead> {
    const { lead } = await this.ask(
      'POST',
      `/api/v1/leads/${encodeURIComponent(leadId)}/reassign`,
      LeadAnswer,
      'reassign the lead',
      { toUserId },
    );
    return boardLeadOf(lead);
  }

  async release(leadId: string): Promise<BoardLead> {
    const { lead } = await this.ask(
      'POST',
      `/api/v1/leads/${encodeURIComponent(leadId)}/release`,
      LeadAnswer,
      'release the lead',
      {},
    );
    return boardLeadOf(lead);
  }

  async repQueue(repId: string): Promise<RepQueueItem[]> {
    const { items } = await this.ask(
      'GET',
      `/api/v1/users/${encodeURIComponent(repId)}/queue`,
      QueueAnswer,
      "read the rep's queue",
    );
    return items.map(({ lead, row }) => ({
      lead: boardLeadOf(lead),
      row: row
        ? { section: row.section, reason: row.reason, slaDeadlineAt: row.slaDeadlineAt ?? null }
        : null,
    }));
  }

  /** A team's leads in one pool, newest first (the first POOL_LIMIT). */
  async pool(teamId: string, status: BoardPool): Promise<BoardLead[]> {
    const { leads } = await this.ask(
      'GET',
      `/api/v1/teams/${encodeURIComponent(teamId)}/leads?status=${status}&limit=${POOL_LIMIT}`,
      LeadsAnswer,
      `read the ${status === 'nurture' ? 'nurture pool' : 'team queue'}`,
    );
    return leads.map(boardLeadOf);
  }

  /** The users the caller may see (a team lead: their team; an admin: everyone). */
  async people(): Promise<BoardPerson[]> {
    const { users } = await this.ask('GET', '/api/v1/users', UsersAnswer, 'read the team');
    return users.map((u) => ({
      id: u.id,
      name: u.name,
      role: u.role,
      teamId: u.teamId,
      active: u.active,
    }));
  }

  async teams(): Promise<{ readonly id: string; readonly name: string }[]> {
    const { teams } = await this.ask('GET', '/api/v1/teams', TeamsAnswer, 'read the teams');
    return teams;
  }

  /** An at-risk lead's name; null when it is no longer visible (moved to another team). */
  async leadName(leadId: string): Promise<BoardLeadName | null> {
    try {
      const { lead } = await this.ask(
        'GET',
        `/api/v1/leads/${encodeURIComponent(leadId)}`,
        NameAnswer,
        'read the lead',
      );
      return { name: lead.name, company: lead.company };
    } catch (error) {
      if (error instanceof CommandError && error.fields[0]?.message === 'not_found') return null;
      throw error;
    }
  }

  private async ask<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    what: string,
    body?: unknown,
  ): Promise<z.output<S>> {
    try {
      return await requestJson(method, `${this.remote.serverUrl}${path}`, schema, {
        token: this.remote.token,
        timeoutMs: this.timeoutMs,
        ...(body !== undefined && { body }),
      });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      throw new CommandError(failureText(error, what), [
        { field: 'server', message: error.status === 404 ? 'not_found' : (error.code ?? '') },
      ]);
    }
  }
}

/** What went wrong, in words a team lead can act on. */
export function failureText(error: TransportError, what: string): string {
  if (error.status === 0) return `cannot reach the server to ${what}: the board needs a connection`;
  if (error.status === 401) return 'your session ended: sign in again';
  if (error.status === 403) return `only team leads and admins can ${what}`;
  if (error.status === 404) {
    // The server's "no route" (a server older than the board's endpoints) vs "lead not found".
    return /^no route /.test(error.message)
      ? `this server cannot ${what} yet (update the sync-server)`
      : `not found: it may have moved to another team`;
  }
  if (error.code === 'bad_response') return `the server's answer could not be read (${what})`;
  return error.message;
}

const LeadAnswer = z.object({ lead: LeadSchema });
const LeadsAnswer = z.object({ leads: z.array(LeadSchema) });
const NameAnswer = z.object({
  lead: z.object({ name: z.string(), company: z.string().nullable() }),
});
const UsersAnswer = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      role: z.enum(USER_ROLES),
      teamId: z.string().nullable(),
      active: z.boolean(),
    }),
  ),
});
const TeamsAnswer = z.object({ teams: z.array(z.object({ id: z.string(), name: z.string() })) });
const QueueAnswer = z.object({
  items: z.array(
    z.object({
      lead: LeadSchema,
      // Only what the drill-down shows; the rest of the server's row is not read.
      row: z
        .object({
          section: z.string(),
          reason: z.string(),
          slaDeadlineAt: z.number().nullable().optional(),
        })
        .nullable()
        .optional(),
    }),
  ),
});
