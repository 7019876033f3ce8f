import type {
  AtRiskEntry,
  BoardChange,
  BoardDeltaMessage,
  BoardRep,
  BoardSnapshotMessage,
  RepFigures,
  TeamFigures,
} from '../../../src/shared/board-protocol';
import { assertKnownZone } from './calendar-day';
import { atRiskOf, repFigures, teamFigures } from './board-figures';
import { type BoardConfig, BoardState } from './board-state';
import { changedFields, sameAtRisk } from './figures-diff';
import type { MetricsEvent } from './metrics-events';

/*
 * The team-lead board's figures, kept current on every event: no polling, no I/O, no clock of
 * its own (every time comes in with an event or a call). `apply` returns only what changed, per
 * team, as `board.delta` messages ready for the live channel; `snapshot` is what a board gets
 * when it opens. Definitions: docs/metrics.md.
 *
 *   const metrics = new LiveMetrics({ zone: 'Europe/Berlin' }, clock());
 *   for (const delta of metrics.apply(event)) hub.sendToTeamLeads(delta.teamId, delta);
 *   const { snapshot, deltas } = metrics.snapshot(teamId, clock()); // send deltas first
 *   // and one timer: at metrics.nextRolloverAt(), send metrics.advance(clock())
 */

export interface LiveMetricsConfig {
  /** IANA zone whose calendar day is "today" for a team not in `teamZones`. */
  readonly zone: string;
  readonly teamZones?: Readonly<Record<string, string>>;
  /** How many leads the at-risk list shows (default 10). */
  readonly atRiskSize?: number;
}

export const DEFAULT_AT_RISK_SIZE = 10;

export class LiveMetrics {
  private readonly state: BoardState;
  private readonly versions = new Map<string, number>();
  /** What each board was last told, to send only what differs. Keyed by team, then rep. */
  private readonly sentTeams = new Map<string, TeamFigures>();
  private readonly sentReps = new Map<string, Map<string, RepFigures>>();
  private readonly sentAtRisk = new Map<string, readonly AtRiskEntry[]>();

  /**
   * An empty board at `now`. `rebuildFromRows` passes the state it loaded instead, and the
   * board starts from it as if everything in it had been sent.
   */
  constructor(config: LiveMetricsConfig, now: number, loaded?: BoardState) {
    this.state = loaded ?? new BoardState(boardConfig(config), now);
    if (loaded) this.settle();
  }

  /** Applies one committed change; the deltas to send, one per team whose board changed. */
  apply(event: MetricsEvent): BoardDeltaMessage[] {
    this.mutate(event);
    return this.flush();
  }

  /**
   * Applies several committed changes in order, then says what changed once: one delta per team
   * for the lot (the server's feed applies a commit's worth at a time, a send per team instead of
   * per event).
   */
  applyAll(events: readonly MetricsEvent[]): BoardDeltaMessage[] {
    for (const event of events) this.mutate(event);
    return this.flush();
  }

  private mutate(event: MetricsEvent): void {
    const state = this.state;
    state.advance(event.at);
    switch (event.type) {
      case 'lead.routed':
      case 'lead.claimed':
      case 'lead.queued':
      case 'lead.nurtured':
      case 'lead.reassigned':
      case 'lead.released':
      case 'lead.closed':
      case 'lead.reopened':
        state.setLead(event.lead);
        break;
      case 'outcome.logged':
        state.setLead(event.lead);
        state.countOutcome(event.lead, event.outcome);
        break;
      case 'sla.breached':
        state.countBreach(event.teamId, event.repId, event.at);
        break;
      case 'rep.presence':
        state.setPresence(
          event.repId,
          event.teamId,
          {
            ...(event.connected !== undefined && { connected: event.connected }),
            ...(event.receivingLeads !== undefined && { receivingLeads: event.receivingLeads }),
            ...(event.away !== undefined && { away: event.away }),
          },
          event.at,
        );
        break;
    }
  }

  /** Moves the clock (a day may roll over); the deltas to send. Call at `nextRolloverAt()`. */
  advance(now: number): BoardDeltaMessage[] {
    this.state.advance(now);
    return this.flush();
  }

  /** When the earliest team day ends, epoch ms (null before any team is known). */
  nextRolloverAt(): number | null {
    return this.state.nextRolloverAt();
  }

  /**
   * The team's board at `now`, and the deltas that moving the clock to `now` caused for boards
   * already open (a day rollover): send those first. An unknown team gets an empty board.
   */
  snapshot(
    teamId: string,
    now: number,
  ): { readonly snapshot: BoardSnapshotMessage; readonly deltas: BoardDeltaMessage[] } {
    const deltas = this.advance(now);
    const state = this.state;
    const team = state.team(teamId);
    const reps: BoardRep[] = [];
    for (const repId of [...team.roster].sort()) {
      const rep = state.reps.get(repId);
      if (rep) reps.push({ repId, ...repFigures(rep, state.teamOf(rep)) });
    }
    return {
      snapshot: {
        type: 'board.snapshot',
        teamId,
        version: this.versions.get(teamId) ?? 0,
        at: state.now,
        zone: team.zone,
        team: teamFigures(team),
        reps,
        atRisk: atRiskOf(team, state.config.atRiskSize),
      },
      deltas,
    };
  }

  /** Ids of the teams the engine knows. */
  teamIds(): string[] {
    return [...this.state.teams.keys()];
  }

  /** Leads on some board (open, waiting, nurture): what the engine holds in memory. */
  get trackedLeads(): number {
    return this.state.trackedLeads;
  }

  /** Turns what the last mutation touched into deltas, and remembers them as sent. */
  private flush(): BoardDeltaMessage[] {
    const state = this.state;
    const deltas: BoardDeltaMessage[] = [];
    for (const [teamId, touched] of state.changed) {
      const team = state.team(teamId);
      const changes: BoardChange[] = [];
      let sentReps = this.sentReps.get(teamId);
      if (!sentReps) {
        sentReps = new Map();
        this.sentReps.set(teamId, sentReps);
      }
      for (const repId of touched.removedReps) {
        if (sentReps.delete(repId)) changes.push({ kind: 'rep.removed', repId });
      }
      if (touched.team) {
        const figures = teamFigures(team);
        const set = changedFields(this.sentTeams.get(teamId), figures);
        if (set) changes.push({ kind: 'team', set });
        this.sentTeams.set(teamId, figures);
      }
      for (const repId of touched.reps) {
        const rep = state.reps.get(repId);
        if (!rep || rep.teamId !== teamId) continue;
        const figures = repFigures(rep, state.teamOf(rep));
        const set = changedFields(sentReps.get(repId), figures);
        if (set) changes.push({ kind: 'rep', repId, set });
        sentReps.set(repId, figures);
      }
      if (touched.atRisk) {
        const entries = atRiskOf(team, state.config.atRiskSize);
        if (!sameAtRisk(this.sentAtRisk.get(teamId) ?? [], entries)) {
          changes.push({ kind: 'atRisk', entries });
        }
        this.sentAtRisk.set(teamId, entries);
      }
      if (changes.length === 0) continue;
      const version = (this.versions.get(teamId) ?? 0) + 1;
      this.versions.set(teamId, version);
      deltas.push({ type: 'board.delta', teamId, version, at: state.now, changes });
    }
    state.changed.clear();
    return deltas;
  }

  /** After a rebuild: everything loaded counts as sent, so the next delta is only the news. */
  private settle(): void {
    const state = this.state;
    for (const team of state.teams.values()) {
      this.sentTeams.set(team.id, teamFigures(team));
      this.sentAtRisk.set(team.id, atRiskOf(team, state.config.atRiskSize));
      const reps = new Map<string, RepFigures>();
      for (const repId of team.roster) {
        const rep = state.reps.get(repId);
        if (rep) reps.set(repId, repFigures(rep, state.teamOf(rep)));
      }
      this.sentReps.set(team.id, reps);
    }
    state.changed.clear();
  }
}

/** The engine's settings, checked: a bad zone or size stops start-up naming the setting. */
export function boardConfig(config: LiveMetricsConfig): BoardConfig {
  assertKnownZone(config.zone, 'metrics.zone');
  const teamZones = config.teamZones ?? {};
  for (const [teamId, zone] of Object.entries(teamZones)) {
    assertKnownZone(zone, `metrics.teamZones.${teamId}`);
  }
  const atRiskSize = config.atRiskSize ?? DEFAULT_AT_RISK_SIZE;
  if (!Number.isInteger(atRiskSize) || atRiskSize < 1) {
    throw new RangeError(`metrics.atRiskSize must be a whole number >= 1, got ${atRiskSize}`);
  }
  return {
    zoneOf: (teamId) =>
      (Object.hasOwn(teamZones, teamId) ? teamZones[teamId] : undefined) ?? config.zone,
    atRiskSize,
  };
}
