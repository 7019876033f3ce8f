import type { RoutingConfig, RoutingRule } from '../config/schema';
import type { LeadRow, UserRow } from '../db/schema';
import { insertLeadEvent } from '../repos/lead-events';
import { untouchedCounts, updateLead, waitingLeads } from '../repos/leads';
import type { Db } from '../repos/db-types';
import {
  readLedger,
  readVirtualTime,
  writeLedgerEntry,
  writeVirtualTime,
} from '../repos/routing-ledger';
import { findOldestTeam, findTeamByName } from '../repos/teams';
import { listActiveReps } from '../repos/users';
import { pickNext } from './fair-queue';

/** Who is connected on the live channel right now. */
export interface Presence {
  isOnline(userId: string): boolean;
}

export interface Assignment {
  readonly lead: LeadRow;
  readonly userId: string;
  readonly reason: string;
}

export interface TeamChoice {
  readonly teamId: string | null;
  readonly rule: RoutingRule | null;
}

interface Eligibility {
  readonly eligible: readonly UserRow[];
  /** Why the others were skipped, for the lead's history: { offline: 2, atCapacity: 1 }. */
  readonly skipped: Readonly<Record<string, number>>;
}

/**
 * Chooses a team for each lead and a rep within it. Every method runs inside the caller's
 * transaction (the write queue serialises them), so two leads can never be given the same slot
 * and a lead is never assigned twice.
 */
export class Router {
  private readonly rulesByName: ReadonlyMap<string, RoutingRule>;

  constructor(
    private readonly config: RoutingConfig,
    private readonly presence: Presence,
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
        if (team) return { teamId: team.id, rule };
      }
    }
    const team = await this.defaultTeam(db);
    return { teamId: team?.id ?? null, rule: null };
  }

  async defaultTeam(db: Db) {
    if (this.config.defaultTeam !== null) {
      const named = await findTeamByName(db, this.config.defaultTeam);
      if (named) return named;
    }
    return findOldestTeam(db);
  }

  /**
   * Gives `lead` (status `unassigned`, with a team) to the next eligible rep in fair order and
   * records why. Returns null, and changes nothing, when nobody is eligible.
   */
  async assign(db: Db, lead: LeadRow, now: number): Promise<Assignment | null> {
    if (lead.team_id === null) return null;
    const teamId = lead.team_id;
    const { eligible, skipped } = await this.eligibleReps(db, teamId, lead.routing_rule);
    if (eligible.length === 0) return null;

    const ledger = await readLedger(
      db,
      teamId,
      eligible.map((u) => u.id),
    );
    const clock = await readVirtualTime(db, teamId);
    const pick = pickNext(
      eligible.map((u) => ({
        userId: u.id,
        weight: Number(u.weight),
        pass: ledger.get(u.id)?.pass ?? null,
      })),
      clock,
    );
    const rep = pick && eligible.find((u) => u.id === pick.userId);
    if (!pick || !rep) return null;

    await writeLedgerEntry(db, teamId, {
      userId: rep.id,
      pass: pick.nextPass,
      assignedCount: (ledger.get(rep.id)?.assignedCount ?? 0) + 1,
    });
    await writeVirtualTime(db, teamId, pick.clock);

    const skippedText = Object.entries(skipped)
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${why}`)
      .join(', ');
    const reason =
      `weighted round robin: ${rep.name} (weight ${rep.weight}) was next of ${eligible.length} eligible rep${eligible.length === 1 ? '' : 's'}` +
      (skippedText ? `; skipped ${skippedText}` : '') +
      (lead.routing_rule ? `; rule "${lead.routing_rule}"` : '');
    await updateLead(db, lead.id, {
      status: 'assigned',
      assigned_to: rep.id,
      assigned_at: now,
      updated_at: now,
    });
    await insertLeadEvent(db, {
      leadId: lead.id,
      type: 'assigned',
      at: now,
      data: { to: rep.id, reason, rule: lead.routing_rule, eligible: eligible.length, skipped },
    });
    return {
      lead: { ...lead, status: 'assigned', assigned_to: rep.id, assigned_at: now, updated_at: now },
      userId: rep.id,
      reason,
    };
  }

  /**
   * Assigns waiting leads of a team (hottest first) while anyone is eligible: called whenever a
   * rep may have become eligible (connected, back to receiving leads, capacity freed, moved team).
   */
  async drainTeam(db: Db, teamId: string, now: number): Promise<Assignment[]> {
    const defaultTeam = await this.defaultTeam(db);
    const includeTeamless = defaultTeam?.id === teamId;
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
        const assignment = await this.assign(db, row, now);
        if (assignment) {
          done.push(assignment);
          progressed = true;
        } else {
          // Nobody eligible for this rule's reps: leads of other rules may still find someone.
          blockedRules.add(lead.routing_rule);
        }
      }
      if (!progressed) return done;
    }
  }

  private async eligibleReps(
    db: Db,
    teamId: string,
    ruleName: string | null,
  ): Promise<Eligibility> {
    const reps = await listActiveReps(db, teamId);
    const allowed = ruleName
      ? this.rulesByName.get(ruleName)?.reps?.map((e) => e.toLowerCase())
      : undefined;
    const skipped = { 'not receiving leads': 0, offline: 0, 'at capacity': 0, 'outside rule': 0 };
    const candidates: UserRow[] = [];
    for (const rep of reps) {
      if (allowed && !allowed.includes(rep.email)) skipped['outside rule'] += 1;
      else if (Number(rep.receiving_leads) !== 1) skipped['not receiving leads'] += 1;
      else if (this.config.requireOnline && !this.presence.isOnline(rep.id)) skipped.offline += 1;
      else candidates.push(rep);
    }
    const held = await untouchedCounts(
      db,
      candidates.map((c) => c.id),
    );
    const eligible = candidates.filter((rep) => {
      const ok = (held.get(rep.id) ?? 0) < Number(rep.capacity);
      if (!ok) skipped['at capacity'] += 1;
      return ok;
    });
    return { eligible, skipped };
  }
}
