import type { PresenceState } from '../../../src/shared/board-protocol';
import { type CalendarDay, calendarDayAt } from './calendar-day';
import { DailyCounters } from './daily-counters';
import type { MetricsLead, MetricsOutcome } from './metrics-events';
import { type PresenceFacts, presenceOf } from './presence';
import { SortedList } from './sorted-list';
import {
  type AtRiskLead,
  byReceived,
  bySlaDue,
  type HeldLead,
  hasDeadline,
  track,
  type TrackedLead,
  type WaitingLead,
} from './tracked-lead';

/*
 * The live board's state: every lead on a board (open, waiting, nurture), every rep, every
 * team, and the structures that make each figure O(1) to read. Mutators do the bookkeeping and
 * record what they touched in `changed`; LiveMetrics turns that into deltas. No clock of its
 * own: time only enters through the mutators' arguments.
 */

export interface BoardConfig {
  readonly zoneOf: (teamId: string) => string;
  readonly atRiskSize: number;
}

export class RepState {
  teamId: string | null;
  facts: PresenceFacts = { connected: false, receivingLeads: false, away: false };
  presence: PresenceState = 'offline';
  presenceSince: number;
  open = 0;
  readonly untouched = new SortedList<HeldLead>(byReceived);
  readonly daily = new DailyCounters();
  /** The team day `daily` counts; reset when the rep's team day is another. */
  dayStart = Number.NaN;

  constructor(
    readonly id: string,
    teamId: string | null,
    since: number,
  ) {
    this.teamId = teamId;
    this.presenceSince = since;
  }
}

export class TeamState {
  day: CalendarDay;
  open = 0;
  nurture = 0;
  readonly untouched = new SortedList<HeldLead>(byReceived);
  readonly unassigned = new SortedList<WaitingLead>(byReceived);
  /** Untouched held leads with a deadline, soonest first; the board shows the head. */
  readonly atRisk = new SortedList<AtRiskLead>(bySlaDue);
  readonly daily = new DailyCounters();
  readonly roster = new Set<string>();
  readonly presenceCounts: Record<PresenceState, number> = {
    offline: 0,
    online: 0,
    receiving: 0,
    away: 0,
  };

  constructor(
    readonly id: string,
    readonly zone: string,
    now: number,
  ) {
    this.day = calendarDayAt(zone, now);
  }
}

/** What one apply touched, per team: the rows to diff and send. */
export interface TeamChanges {
  team: boolean;
  atRisk: boolean;
  readonly reps: Set<string>;
  readonly removedReps: Set<string>;
}

export class BoardState {
  readonly teams = new Map<string, TeamState>();
  readonly reps = new Map<string, RepState>();
  private readonly leads = new Map<string, TrackedLead>();
  readonly changed = new Map<string, TeamChanges>();
  /** The latest time seen: the clock only moves forward. */
  now: number;
  private nextRollover = Number.POSITIVE_INFINITY;

  constructor(
    readonly config: BoardConfig,
    now: number,
  ) {
    this.now = now;
  }

  get trackedLeads(): number {
    return this.leads.size;
  }

  team(teamId: string): TeamState {
    let team = this.teams.get(teamId);
    if (!team) {
      team = new TeamState(teamId, this.config.zoneOf(teamId), this.now);
      this.teams.set(teamId, team);
      this.nextRollover = Math.min(this.nextRollover, team.day.end);
    }
    return team;
  }

  /** The earliest instant a team's day ends: call `advance` then (or with the next event). */
  nextRolloverAt(): number | null {
    return Number.isFinite(this.nextRollover) ? this.nextRollover : null;
  }

  /** Moves the clock to `now`; every team whose day ended starts a new one, counters at zero. */
  advance(now: number): void {
    if (now > this.now) this.now = now;
    if (this.now < this.nextRollover) return;
    let next = Number.POSITIVE_INFINITY;
    for (const team of this.teams.values()) {
      if (this.now >= team.day.end) {
        team.day = calendarDayAt(team.zone, this.now);
        team.daily.reset();
        this.mark(team.id).team = true;
        for (const repId of team.roster) {
          const rep = this.reps.get(repId);
          if (rep) this.startRepDay(rep, team);
        }
      }
      next = Math.min(next, team.day.end);
    }
    this.nextRollover = next;
  }

  /** Puts the lead where it now is (off the board when won or closed). */
  setLead(lead: MetricsLead): void {
    const prev = this.leads.get(lead.id);
    if (prev) this.detach(prev);
    const next = track(lead);
    if (next) {
      this.leads.set(next.id, next);
      this.attach(next);
    } else {
      this.leads.delete(lead.id);
    }
  }

  /** Counts an outcome in today's figures of the lead's team and of the rep who logged it. */
  countOutcome(lead: Pick<MetricsLead, 'teamId' | 'receivedAt'>, outcome: MetricsOutcome): void {
    const speed = outcome.firstTouch ? Math.max(0, outcome.occurredAt - lead.receivedAt) : null;
    const team = this.team(lead.teamId);
    if (within(team.day, outcome.occurredAt)) {
      team.daily.countOutcome(outcome.disposition, speed);
      this.mark(team.id).team = true;
    }
    const rep = this.repFor(outcome.repId, lead.teamId);
    const repTeam = this.teamOf(rep);
    if (repTeam && within(repTeam.day, outcome.occurredAt)) {
      rep.daily.countOutcome(outcome.disposition, speed);
      this.markRep(rep);
    }
  }

  countBreach(teamId: string, repId: string, at: number): void {
    const team = this.team(teamId);
    if (within(team.day, at)) {
      team.daily.countBreach();
      this.mark(team.id).team = true;
    }
    const rep = this.repFor(repId, teamId);
    const repTeam = this.teamOf(rep);
    if (repTeam && within(repTeam.day, at)) {
      rep.daily.countBreach();
      this.markRep(rep);
    }
  }

  /** Sets the given facts of a rep and their team (null: off every board). */
  setPresence(
    repId: string,
    teamId: string | null,
    facts: Partial<PresenceFacts>,
    at: number,
  ): void {
    let rep = this.reps.get(repId);
    if (!rep) {
      rep = new RepState(repId, null, at);
      this.reps.set(repId, rep);
    }
    if (rep.teamId !== teamId) {
      this.leaveTeam(rep);
      if (teamId !== null) this.joinTeam(rep, teamId);
    }
    rep.facts = {
      connected: facts.connected ?? rep.facts.connected,
      receivingLeads: facts.receivingLeads ?? rep.facts.receivingLeads,
      away: facts.away ?? rep.facts.away,
    };
    const presence = presenceOf(rep.facts);
    if (presence === rep.presence) return;
    const team = rep.teamId === null ? undefined : this.teams.get(rep.teamId);
    if (team) {
      team.presenceCounts[rep.presence] -= 1;
      team.presenceCounts[presence] += 1;
      this.mark(team.id).team = true;
    }
    rep.presence = presence;
    rep.presenceSince = at;
    this.markRep(rep);
  }

  mark(teamId: string): TeamChanges {
    let changes = this.changed.get(teamId);
    if (!changes) {
      changes = { team: false, atRisk: false, reps: new Set(), removedReps: new Set() };
      this.changed.set(teamId, changes);
    }
    return changes;
  }

  private markRep(rep: RepState): void {
    if (rep.teamId !== null) this.mark(rep.teamId).reps.add(rep.id);
  }

  /** A rep the board has not met joins the team of the lead they act on. */
  private repFor(repId: string, teamId: string): RepState {
    let rep = this.reps.get(repId);
    if (!rep) {
      rep = new RepState(repId, null, this.now);
      this.reps.set(repId, rep);
      this.joinTeam(rep, teamId);
    }
    return rep;
  }

  /** The team whose board shows the rep, if any. */
  teamOf(rep: RepState): TeamState | undefined {
    return rep.teamId === null ? undefined : this.teams.get(rep.teamId);
  }

  private joinTeam(rep: RepState, teamId: string): void {
    const team = this.team(teamId);
    rep.teamId = teamId;
    team.roster.add(rep.id);
    team.presenceCounts[rep.presence] += 1;
    const changes = this.mark(teamId);
    changes.team = true;
    changes.reps.add(rep.id);
    changes.removedReps.delete(rep.id);
    // A rep's "today" is their team's: moving to a team in another zone may start a new one.
    if (rep.dayStart !== team.day.start) this.startRepDay(rep, team);
  }

  private leaveTeam(rep: RepState): void {
    if (rep.teamId === null) return;
    const team = this.teams.get(rep.teamId);
    if (team) {
      team.roster.delete(rep.id);
      team.presenceCounts[rep.presence] -= 1;
      const changes = this.mark(team.id);
      changes.team = true;
      changes.reps.delete(rep.id);
      changes.removedReps.add(rep.id);
    }
    rep.teamId = null;
  }

  private startRepDay(rep: RepState, team: TeamState): void {
    rep.daily.reset();
    rep.dayStart = team.day.start;
    this.mark(team.id).reps.add(rep.id);
  }

  private attach(lead: TrackedLead): void {
    const team = this.team(lead.teamId);
    const changes = this.mark(team.id);
    changes.team = true;
    switch (lead.place) {
      case 'held': {
        const rep = this.repFor(lead.repId, lead.teamId);
        team.open += 1;
        rep.open += 1;
        this.markRep(rep);
        if (!lead.untouched) return;
        rep.untouched.insert(lead);
        team.untouched.insert(lead);
        if (hasDeadline(lead) && team.atRisk.insert(lead) < this.config.atRiskSize) {
          changes.atRisk = true;
        }
        return;
      }
      case 'unassigned':
        team.unassigned.insert(lead);
        return;
      case 'nurture':
        team.nurture += 1;
        return;
    }
  }

  private detach(lead: TrackedLead): void {
    const team = this.team(lead.teamId);
    const changes = this.mark(team.id);
    changes.team = true;
    switch (lead.place) {
      case 'held': {
        const rep = this.repFor(lead.repId, lead.teamId);
        team.open -= 1;
        rep.open -= 1;
        this.markRep(rep);
        if (!lead.untouched) return;
        rep.untouched.remove(lead);
        team.untouched.remove(lead);
        const at = hasDeadline(lead) ? team.atRisk.remove(lead) : -1;
        if (at >= 0 && at < this.config.atRiskSize) changes.atRisk = true;
        return;
      }
      case 'unassigned':
        team.unassigned.remove(lead);
        return;
      case 'nurture':
        team.nurture -= 1;
        return;
    }
  }
}

function within(day: CalendarDay, at: number): boolean {
  return at >= day.start && at < day.end;
}
