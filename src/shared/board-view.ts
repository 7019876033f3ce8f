import type { BoardModel } from './board-model';
import type { AtRiskEntry, BoardRep, TeamFigures } from './board-protocol';
import type { Lead } from './lead';
import type { UserRole } from './user';

/*
 * The team-lead board as a screen reads it: plain data (arrays and records, no Maps), so the
 * same shape crosses the app's IPC (`board.get`) and is what the wallboard builds from its own
 * socket. Figures and their meaning: docs/metrics.md.
 *
 *   const view = boardViewOf(model, 'Inside sales');
 */

export interface BoardView {
  readonly teamId: string;
  /** The team's name, when the watcher could read it (null until then). */
  readonly teamName: string | null;
  readonly version: number;
  /** Server time of the last message, epoch ms. */
  readonly at: number;
  /** The IANA zone the team's "today" is read in. */
  readonly zone: string;
  readonly team: TeamFigures;
  /** Ordered by repId (sorting is the screen's business). */
  readonly reps: readonly BoardRep[];
  readonly atRisk: readonly AtRiskEntry[];
}

/** Someone a board names: a rep in its rows, the team lead. */
export interface BoardPerson {
  readonly id: string;
  readonly name: string;
  readonly role: UserRole;
  readonly teamId: string | null;
  readonly active: boolean;
}

/** What an at-risk row shows of its lead besides the figures the board message carries. */
export interface BoardLeadName {
  readonly name: string;
  readonly company: string | null;
}

/** A lead in a board's lists (the unassigned queue, the nurture pool, a rep's queue). */
export type BoardLead = Pick<
  Lead,
  | 'id'
  | 'name'
  | 'company'
  | 'source'
  | 'tier'
  | 'score'
  | 'status'
  | 'teamId'
  | 'assignedTo'
  | 'receivedAt'
  | 'firstTouchAt'
  | 'attempts'
  | 'lastDisposition'
  | 'callbackAt'
> & {
  /** When the next attempt is due (null: nothing scheduled, or an older server). */
  readonly nextAttemptAt: string | null;
};

/** Everything a board screen shows, for every team the watcher may see. */
export interface BoardState {
  /** The signed-in user's role; null when not known yet (a kept session before it connects). */
  readonly role: UserRole | null;
  /** The live channel is up: the figures are current. */
  readonly live: boolean;
  /** One per team, by team name then id. */
  readonly boards: readonly BoardView[];
  /** By user id. */
  readonly people: Readonly<Record<string, BoardPerson>>;
  /** At-risk leads' names, by lead id (filled in as they are read). */
  readonly leads: Readonly<Record<string, BoardLeadName>>;
}

export function boardViewOf(model: BoardModel, teamName: string | null): BoardView {
  return {
    teamId: model.teamId,
    teamName,
    version: model.version,
    at: model.at,
    zone: model.zone,
    team: model.team,
    reps: [...model.reps.values()],
    atRisk: model.atRisk,
  };
}

/** Boards in the order a screen lists them: by team name (unknown names last), then id. */
export function orderBoards(boards: readonly BoardView[]): BoardView[] {
  return [...boards].sort((a, b) => {
    if (a.teamName !== b.teamName) {
      if (a.teamName === null) return 1;
      if (b.teamName === null) return -1;
      return a.teamName.localeCompare(b.teamName);
    }
    return a.teamId < b.teamId ? -1 : a.teamId > b.teamId ? 1 : 0;
  });
}

/** A lead as a board's lists show it, from the API's whole lead. */
export function boardLeadOf(lead: Lead): BoardLead {
  return {
    id: lead.id,
    name: lead.name,
    company: lead.company,
    source: lead.source,
    tier: lead.tier,
    score: lead.score,
    status: lead.status,
    teamId: lead.teamId,
    assignedTo: lead.assignedTo,
    receivedAt: lead.receivedAt,
    firstTouchAt: lead.firstTouchAt,
    attempts: lead.attempts,
    lastDisposition: lead.lastDisposition,
    callbackAt: lead.callbackAt,
    nextAttemptAt: lead.nextAttemptAt ?? null,
  };
}

/** A lead in a rep's queue as the server orders it (read-only drill-down). */
export interface RepQueueItem {
  readonly lead: BoardLead;
  /** Where it sits and why ("Hot · demo request · 2 min old"); null from a server without it. */
  readonly row: {
    readonly section: string;
    readonly reason: string;
    readonly slaDeadlineAt: number | null;
  } | null;
}
