import type { AtRiskEntry, RepFigures, TeamFigures } from '../../../src/shared/board-protocol';
import type { RepState, TeamState } from './board-state';

/*
 * What a board shows, read off the state in O(1) per row (the at-risk list: O(N)).
 *
 * Each row is written out as one literal, with no spread of a shared daily part: V8 builds a
 * spread-then-extended object of this size property by property (~2 µs a call, measured,
 * against tens of ns for a literal), and these run for every changed row of every event.
 */
export function repFigures(rep: RepState, team: TeamState | undefined): RepFigures {
  const d = rep.daily;
  return {
    day: team?.day.key ?? '',
    slaBreaches: d.slaBreachCount,
    attempts: d.attemptCount,
    connects: d.connectCount,
    contactRate: d.contactRate,
    qualified: d.qualifiedCount,
    meetingsBooked: d.meetingsBookedCount,
    firstTouches: d.firstTouches,
    speedToLeadP50Ms: d.speedToLeadPercentile(50),
    speedToLeadP90Ms: d.speedToLeadPercentile(90),
    openQueue: rep.open,
    untouched: rep.untouched.size,
    oldestUntouchedAt: rep.untouched.first()?.receivedAt ?? null,
    presence: rep.presence,
    presenceSince: rep.presenceSince,
  };
}

export function teamFigures(team: TeamState): TeamFigures {
  const d = team.daily;
  return {
    day: team.day.key,
    slaBreaches: d.slaBreachCount,
    attempts: d.attemptCount,
    connects: d.connectCount,
    contactRate: d.contactRate,
    qualified: d.qualifiedCount,
    meetingsBooked: d.meetingsBookedCount,
    firstTouches: d.firstTouches,
    speedToLeadP50Ms: d.speedToLeadPercentile(50),
    speedToLeadP90Ms: d.speedToLeadPercentile(90),
    openQueue: team.open,
    untouched: team.untouched.size,
    oldestUntouchedAt: team.untouched.first()?.receivedAt ?? null,
    dayStartAt: team.day.start,
    unassigned: team.unassigned.size,
    oldestUnassignedAt: team.unassigned.first()?.receivedAt ?? null,
    nurture: team.nurture,
    repsOffline: team.presenceCounts.offline,
    repsOnline: team.presenceCounts.online,
    repsReceiving: team.presenceCounts.receiving,
    repsAway: team.presenceCounts.away,
  };
}

export function atRiskOf(team: TeamState, size: number): AtRiskEntry[] {
  return team.atRisk.head(size).map((lead) => ({
    leadId: lead.id,
    repId: lead.repId,
    tier: lead.tier,
    receivedAt: lead.receivedAt,
    slaDueAt: lead.slaDueAt,
  }));
}
