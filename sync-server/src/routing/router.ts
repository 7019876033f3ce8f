import type { TeamAssignment } from '../../../src/shared/user';
import type { RoutingConfig, RoutingRule } from '../config/schema';
import type { LeadRow } from '../db/schema';
import type { Presence } from '../ports/presence';
import type { SlaSchedule } from '../ports/sla-schedule';
import { recordLeadOffer } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { insertOffers } from '../repos/lead-offers';
import { countHeldUntouched, updateLead, waitingLeads } from '../repos/leads';
import type { Db } from '../repos/db-types';
import {
  readLedgerEntry,
  readRoutingCandidates,
  readVirtualTime,
  writeLedgerEntry,
  writeVirtualTime,
  type RoutingCandidate,
  type RoutingRep,
} from '../repos/routing-ledger';
import { findOldestTeam, findTeamAssignment, findTeamByName } from '../repos/teams';
import { assignLead, type AssignRequest, type Assignment, type ChosenRepRequest } from './assign';
import { levelOnReturn, pickNext } from './fair-queue';
import { describeChoice, describeOffer, type RepChoice, type SkipReason } from './reasons';

export interface TeamChoice {
  readonly teamId: string | null;
  readonly rule: RoutingRule | null;
  /** The team's mode: fair routing, or offered to every eligible rep (claim). */
  readonly assignment: TeamAssignment;
}

export interface RouterOptions {
  /** The server's clock, for the away check when a caller gives no `now`. */
  readonly clock?: () => number;
}

/** How one waiting lead is routed now. */
export interface RouteOptions {
  /** Reps who may not get (or be offered) the lead this time; later drains do not know them. */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Chooses a team for each lead and a rep within it, and hands leads to reps (`assign`, the one
 * assignment path: routing/assign.ts). Every method runs inside the caller's transaction (the
 * write queue serialises them), so two leads can never be given the same slot and a lead is
 * never assigned twice.
 */
export class Router {
  private readonly rulesByName: ReadonlyMap<string, RoutingRule>;

  constructor(
    private readonly config: RoutingConfig,
    private readonly presence: Presence,
    /**
     * The SLA ladder, kept by every hand-over `assign` makes (none in the admin CLI: the running
     * server owns the ladder).
     */
    private readonly sla?: SlaSchedule,
    private readonly options: RouterOptions = {},
  ) {
    this.rulesByName = new Map(config.rules.map((r) => [r.name, r]));
  }

  /** The first rule whose criteria all match picks the team; else the default team. */
  async chooseTeam(
    db: Db,
    lead: { country: string | null; region: string | null; source: string },
  ): Promise<TeamChoice> {
    const eq = (a: string | null, list: readonly string[] | undefined) =>
      list === undefined || (a !== null && list.some((x) => x.toLowerCase() === a.toLowerCase()));
    for (const rule of this.config.rules) {
      if (
        eq(lead.country, rule.match.countries) &&
        eq(lead.region, rule.match.regions) &&
        eq(lead.source, rule.match.sources)
      ) {
        const team = await findTeamByName(db, rule.team);
        if (team) return { teamId: team.id, rule, assignment: team.assignment };
      }
    }
    const team = await this.defaultTeam(db);
    return { teamId: team?.id ?? null, rule: null, assignment: team?.assignment ?? 'fair' };
  }

  async teamAssignment(db: Db, teamId: string): Promise<TeamAssignment> {
    return (await findTeamAssignment(db, teamId)) ?? 'fair';
  }

  async defaultTeam(db: Db) {
    if (this.config.defaultTeam !== null) {
      const named = await findTeamByName(db, this.config.defaultTeam);
      if (named) return named;
    }
    return findOldestTeam(db);
  }

  /**
   * Chooses the rep who gets the next lead of `teamId` (in fair order, skipping reps at their
   * capacity) and advances the fairness ledger. The caller stores the assignment in the same
   * transaction. Null, with nothing changed, when nobody is eligible.
   */
  async pickRep(
    db: Db,
    teamId: string,
    ruleName: string | null,
    options: { readonly exclude?: ReadonlySet<string>; readonly now?: number } = {},
  ): Promise<RepChoice | null> {
    const now = options.now ?? this.now();
    const all = await this.receivingReps(db, teamId, ruleName, now);
    const { skipped } = all;
    // Excluded reps (the one an SLA step takes the lead from) are not candidates at all.
    const candidates = options.exclude
      ? all.candidates.filter((c) => !options.exclude?.has(c.user.id))
      : all.candidates;
    if (candidates.length === 0) return null;
    const clock = await readVirtualTime(db, teamId);
    const available = [...candidates];
    for (;;) {
      const pick = pickNext(
        available.map((c) => ({
          userId: c.user.id,
          weight: Number(c.user.weight),
          pass: c.pass,
        })),
        clock,
      );
      const index = pick ? available.findIndex((c) => c.user.id === pick.userId) : -1;
      const chosen = available[index];
      if (!pick || !chosen) return null;
      // Capacity is checked only for the rep whose turn it is, and counted only up to the cap.
      const capacity = Number(chosen.user.capacity);
      if ((await countHeldUntouched(db, chosen.user.id)) >= capacity) {
        skipped['at capacity'] += 1;
        available.splice(index, 1);
        continue;
      }
      await writeLedgerEntry(db, teamId, {
        userId: chosen.user.id,
        pass: pick.nextPass,
        assignedCount: chosen.assignedCount + 1,
      });
      await writeVirtualTime(db, teamId, pick.clock);
      return {
        user: chosen.user,
        reason: describeChoice(chosen.user, candidates.length, skipped, ruleName),
        eligible: available.length,
        skipped,
      };
    }
  }

  /**
   * Hands a lead to a rep: the next eligible one in fair order, the one who claimed it, or one a
   * team lead chose. The one assignment path (routing/assign.ts): fairness, the change log and
   * the SLA schedule are kept here for every caller. Null, with nothing changed, when nobody is
   * eligible.
   *
   *   const a = await router.assign(trx, { lead, now, to: { kind: 'next' } });
   */
  assign(db: Db, request: ChosenRepRequest): Promise<Assignment>;
  assign(db: Db, request: AssignRequest): Promise<Assignment | null>;
  assign(db: Db, request: AssignRequest): Promise<Assignment | null> {
    return assignLead(this, this.sla, db, request);
  }

  /**
   * Routes a stored, waiting lead as its team works: in a fair team `assign`, in a claim team
   * `offer`. One entry per rep to tell (none: nobody is eligible, nothing changed).
   */
  async route(
    db: Db,
    lead: LeadRow,
    now: number,
    options: RouteOptions = {},
  ): Promise<Assignment[]> {
    if (lead.team_id === null) return [];
    if ((await this.teamAssignment(db, lead.team_id)) === 'claim') {
      return this.offer(db, lead, now, options);
    }
    const assignment = await this.assign(db, {
      lead,
      now,
      to: { kind: 'next', ...(options.exclude && { exclude: options.exclude }) },
    });
    return assignment ? [assignment] : [];
  }

  /**
   * Claim mode: offers a stored, waiting `lead` to every eligible rep of its team at once (the
   * same eligibility as fair routing, each rep below their capacity). The lead stays unassigned
   * and on offer until a rep claims it or the offer expires (config
   * `routing.claim.fallbackAfterSeconds`). Returns one entry per offered rep, each carrying the
   * offered lead, for the live push; none, and nothing changed, when nobody is eligible.
   */
  async offer(
    db: Db,
    lead: LeadRow,
    now: number,
    options: RouteOptions = {},
  ): Promise<Assignment[]> {
    if (lead.team_id === null) return [];
    const { candidates, skipped } = await this.receivingReps(
      db,
      lead.team_id,
      lead.routing_rule,
      now,
    );
    const eligible: RoutingRep[] = [];
    for (const c of candidates) {
      if (options.exclude?.has(c.user.id)) continue;
      const capacity = Number(c.user.capacity);
      if ((await countHeldUntouched(db, c.user.id)) >= capacity) {
        skipped['at capacity'] += 1;
      } else eligible.push(c.user);
    }
    if (eligible.length === 0) return [];
    eligible.sort((a, b) => (a.id < b.id ? -1 : 1));
    const seconds = this.config.claim.fallbackAfterSeconds;
    const expiresAt = seconds === null ? null : now + seconds * 1000;
    await updateLead(db, lead.id, {
      offered_at: now,
      offer_expires_at: expiresAt,
      updated_at: now,
    });
    const userIds = eligible.map((u) => u.id);
    const names = new Map(eligible.map((u) => [u.id, u.name]));
    await insertOffers(db, lead.id, userIds, now);
    const reason = describeOffer(eligible.length, skipped, lead.routing_rule);
    await insertLeadEvent(db, {
      leadId: lead.id,
      type: 'offered',
      at: now,
      data: {
        to: userIds,
        reason,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        rule: lead.routing_rule,
        skipped,
      },
    });
    for (const userId of userIds) await recordLeadOffer(db, lead.id, userId, now);
    if (expiresAt !== null) this.sla?.wake(expiresAt);
    const offered: LeadRow = {
      ...lead,
      offered_at: now,
      offer_expires_at: expiresAt,
      updated_at: now,
    };
    return userIds.map((userId) => ({
      lead: offered,
      userId,
      userName: names.get(userId) ?? '',
      reason,
      routing: reason,
    }));
  }

  /**
   * A claim counts in the fairness ledger as the claimer's turn: their pass advances as if routing
   * had picked them, and the team clock moves to their start tag, so a claim-heavy rep is not
   * also given the next fallbacks and nobody is owed leads for claims they did not make.
   */
  async recordClaim(
    db: Db,
    teamId: string,
    user: Pick<RoutingRep, 'id' | 'weight'>,
  ): Promise<void> {
    const clock = await readVirtualTime(db, teamId);
    const entry = await readLedgerEntry(db, teamId, user.id);
    const start = Math.max(entry?.pass ?? clock, clock);
    await writeLedgerEntry(db, teamId, {
      userId: user.id,
      pass: start + 1 / Number(user.weight),
      assignedCount: (entry?.assignedCount ?? 0) + 1,
    });
    await writeVirtualTime(db, teamId, start);
  }

  /**
   * A rep is back from an away period: their pass is brought level with the teammates who kept
   * receiving leads (fair-queue.ts `levelOnReturn`), so they get a normal share, not a flood of
   * catch-up leads. Returns the pass before and after (equal when it was already level).
   */
  async levelReturningRep(
    db: Db,
    teamId: string,
    userId: string,
    now: number,
  ): Promise<{ readonly from: number | null; readonly to: number }> {
    const reps = await readRoutingCandidates(db, teamId, now);
    const clock = await readVirtualTime(db, teamId);
    const own = reps.find((r) => r.user.id === userId);
    const others = reps
      .filter(
        (r) =>
          r.user.id !== userId &&
          !r.away &&
          Number(r.user.receiving_leads) === 1 &&
          r.pass !== null,
      )
      .map((r) => r.pass ?? clock);
    const from = own?.pass ?? null;
    const to = levelOnReturn(from, clock, others);
    if (to !== from) {
      await writeLedgerEntry(db, teamId, {
        userId,
        pass: to,
        assignedCount: own?.assignedCount ?? 0,
      });
    }
    return { from, to };
  }

  /**
   * Assigns (or, in a claim team, offers) waiting leads of a team, hottest first, while anyone is
   * eligible: called whenever a rep may have become eligible (connected, back to receiving leads,
   * back from away, capacity freed, moved team).
   */
  async drainTeam(db: Db, teamId: string, now: number): Promise<Assignment[]> {
    const defaultTeam = await this.defaultTeam(db);
    const includeTeamless = defaultTeam?.id === teamId;
    const claim = (await this.teamAssignment(db, teamId)) === 'claim';
    const done: Assignment[] = [];
    const blockedRules = new Set<string | null>();
    for (;;) {
      const waiting = (await waitingLeads(db, teamId, includeTeamless, 200)).filter(
        (l) => !blockedRules.has(l.routing_rule),
      );
      if (waiting.length === 0) return done;
      let progressed = false;
      for (const lead of waiting) {
        if (blockedRules.has(lead.routing_rule)) continue;
        const row = lead.team_id === null ? { ...lead, team_id: teamId } : lead;
        if (lead.team_id === null)
          await updateLead(db, lead.id, { team_id: teamId, updated_at: now });
        const assignments = claim
          ? await this.offer(db, row, now)
          : [await this.assign(db, { lead: row, now, to: { kind: 'next' } })].filter(
              (a) => a !== null,
            );
        if (assignments.length > 0) {
          done.push(...assignments);
          progressed = true;
        } else {
          // Nobody eligible for this rule's reps: leads of other rules may still find someone.
          blockedRules.add(lead.routing_rule);
        }
      }
      if (!progressed) return done;
    }
  }

  /** Active reps of the team who take leads now (receiving, online, not away, inside the rule). */
  private async receivingReps(
    db: Db,
    teamId: string,
    ruleName: string | null,
    now: number,
  ): Promise<{ candidates: RoutingCandidate[]; skipped: Record<SkipReason, number> }> {
    const reps = await readRoutingCandidates(db, teamId, now);
    const allowed = ruleName
      ? this.rulesByName.get(ruleName)?.reps?.map((e) => e.toLowerCase())
      : undefined;
    const skipped: Record<SkipReason, number> = {
      'not receiving leads': 0,
      offline: 0,
      'at capacity': 0,
      'outside rule': 0,
      away: 0,
    };
    const candidates: RoutingCandidate[] = [];
    for (const rep of reps) {
      if (allowed && !allowed.includes(rep.user.email)) skipped['outside rule'] += 1;
      else if (rep.away) skipped.away += 1;
      else if (Number(rep.user.receiving_leads) !== 1) skipped['not receiving leads'] += 1;
      else if (this.config.requireOnline && !this.presence.isOnline(rep.user.id))
        skipped.offline += 1;
      else candidates.push(rep);
    }
    return { candidates, skipped };
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
