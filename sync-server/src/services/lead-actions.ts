import type { Lead, LeadStatus } from '../../../src/shared/lead';
import type { LeadRow, UserRow } from '../db/schema';
import type { WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import { ApiError } from '../domain/api-error';
import type { LeadNotifier } from '../ports/lead-notifier';
import type { SlaSchedule } from '../ports/sla-schedule';
import { recordLeadRevoke } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById, updateLead } from '../repos/leads';
import { findUserById } from '../repos/users';
import { withdrawLeadOffers } from '../routing/claims';
import type { Router } from '../routing/router';

export interface LeadActionsDeps {
  readonly writes: WriteQueue;
  readonly notifier: LeadNotifier;
  readonly clock: () => number;
  /** The SLA ladder: a released lead's open steps close (its new hold gets its own). */
  readonly escalations?: Pick<SlaSchedule, 'cancelFor'>;
  /**
   * Hands leads on through the one assignment path: to the rep a team lead chose, or, for a
   * released lead, as the team's waiting leads are (fair pick, or claim offers).
   */
  readonly router: Pick<Router, 'assign' | 'route'>;
}

/**
 * Leads a team lead may hand to a rep: open ones, the team queue, and the nurture pool (a team
 * lead who sees sales intent marketing's score missed takes the lead back for sales).
 */
const MOVABLE: readonly LeadStatus[] = ['unassigned', 'assigned', 'working', 'nurture'];
const HELD: readonly LeadStatus[] = ['assigned', 'working'];

/** What team leads and admins do to leads: give one to a rep, or back to the team queue. */
export class LeadActions {
  constructor(private readonly deps: LeadActionsDeps) {}

  /**
   * Moves an open lead to `toUserId` (an active rep of the lead's team). The previous owner's
   * app is told at once, with the reason; their later outcomes for it are still kept.
   */
  async reassign(
    actor: UserRow,
    leadId: string,
    toUserId: string,
    note: string | null,
  ): Promise<Lead> {
    const result = await this.deps.writes.run(async ({ trx, afterCommit }) => {
      const lead = await findLeadById(trx, leadId);
      // A team lead sees only their team's leads; anything else is "not found" to them.
      if (!lead || (actor.role === 'lead' && lead.team_id !== actor.team_id)) {
        throw ApiError.notFound('lead');
      }
      if (!MOVABLE.includes(lead.status)) {
        throw ApiError.conflict(
          `the lead is ${lead.status}; only open, waiting or nurture leads can be reassigned`,
        );
      }
      const target = await findUserById(trx, toUserId);
      if (
        !target ||
        target.role !== 'rep' ||
        Number(target.active) !== 1 ||
        target.team_id !== lead.team_id
      ) {
        throw ApiError.validation([
          { field: 'toUserId', message: "must be an active rep of the lead's team" },
        ]);
      }
      // A nurture lead keeps the rep who sent it back: giving it to them again is a move.
      if (lead.assigned_to === target.id && HELD.includes(lead.status)) {
        return { lead: toLead(lead), changed: false };
      }

      const now = this.deps.clock();
      const from = lead.assigned_to;
      const reason = `reassigned to ${target.name} by ${actor.name}` + (note ? `: ${note}` : '');
      // A lead on offer (claim mode) is no longer anyone else's to claim.
      const offeredTo =
        lead.offered_at === null
          ? []
          : await withdrawLeadOffers(trx, lead.id, reason, now, target.id);
      const assignment = await this.deps.router.assign(trx, {
        lead,
        now,
        to: { kind: 'chosen', rep: target },
        describe: () => ({
          reason,
          event: {
            leadId: lead.id,
            type: 'reassigned',
            at: now,
            actorId: actor.id,
            data: {
              from,
              to: target.id,
              reason,
              ...(note && { note }),
              ...(!HELD.includes(lead.status) && { fromStatus: lead.status }),
            },
          },
        }),
        // Back in a queue from nurture: why it left (a reason code) no longer describes it.
        ...(lead.status === 'nurture' && { patch: { close_reason: null } }),
        closeSteps: `reassigned by ${actor.name}`,
      });
      // The rep who sent a nurture lead back and gets it again is told once, as its new holder.
      const revokeFrom = from !== null && from !== target.id ? from : null;
      const moved = toLead(assignment.lead);
      afterCommit(() => {
        if (revokeFrom) this.deps.notifier.leadRevoked(revokeFrom, lead.id, reason);
        for (const userId of offeredTo) this.deps.notifier.leadRevoked(userId, lead.id, reason);
        this.deps.notifier.leadAssigned(target.id, moved, reason);
      });
      return { lead: moved, changed: true };
    });
    return result.lead;
  }

  /**
   * Puts a held lead back in its team's queue: the rep's copy is revoked (live, with the reason),
   * its SLA steps and callback alert are closed, and it is routed at once as the team's waiting
   * leads are (a fair pick, or offers in a claim team), **without the rep it came from**: a
   * release says "not this rep", and the fair queue would often hand it straight back to them.
   * Nobody else eligible: it waits, and a later drain (someone connects, comes back, gets
   * capacity) may give it to anyone, that rep included.
   *
   *   const lead = await leadActions.release(teamLead, leadId, 'Ana is out sick');
   */
  async release(actor: UserRow, leadId: string, note: string | null): Promise<Lead> {
    return this.deps.writes.run(async ({ trx, afterCommit }) => {
      const lead = await findLeadById(trx, leadId);
      if (!lead || (actor.role === 'lead' && lead.team_id !== actor.team_id)) {
        throw ApiError.notFound('lead');
      }
      const from = lead.assigned_to;
      // A held lead, or one back with marketing that the team lead brings back to sales.
      const fromNurture = lead.status === 'nurture' && lead.team_id !== null;
      if (!fromNurture && (!HELD.includes(lead.status) || from === null || lead.team_id === null)) {
        throw ApiError.conflict(
          `the lead is ${lead.status}; only a lead a rep holds, or one in the nurture pool, can be released to the team queue`,
        );
      }
      const now = this.deps.clock();
      const reason =
        (fromNurture
          ? `taken from the nurture pool to the team queue by ${actor.name}`
          : `released to the team queue by ${actor.name}`) + (note ? `: ${note}` : '');
      const patch = {
        status: 'unassigned' as const,
        assigned_to: null,
        assigned_at: null,
        seen_at: null,
        offered_at: null,
        offer_expires_at: null,
        close_reason: null,
        updated_at: now,
      };
      await updateLead(trx, lead.id, patch);
      await insertLeadEvent(trx, {
        leadId: lead.id,
        type: 'released',
        at: now,
        actorId: actor.id,
        data: {
          from,
          reason,
          by: 'lead',
          ...(fromNurture && { fromNurture: true }),
          ...(note && { note }),
        },
      });
      if (from !== null) await recordLeadRevoke(trx, lead.id, from, reason, now);
      await this.deps.escalations?.cancelFor(trx, lead.id, `released by ${actor.name}`, now);

      const waiting: LeadRow = { ...lead, ...patch };
      const routed = await this.deps.router.route(trx, waiting, now, {
        exclude: new Set(from === null ? [] : [from]),
      });
      if (routed.length === 0) {
        await insertLeadEvent(trx, {
          leadId: lead.id,
          type: 'queued',
          at: now,
          data: { reason: 'no other rep of the team is eligible now' },
        });
      }
      // A booked callback still stands: the assignment path gives its alert to the new holder.
      const result = toLead(routed[0]?.lead ?? waiting);
      afterCommit(() => {
        if (from !== null) this.deps.notifier.leadRevoked(from, lead.id, reason);
        for (const a of routed) this.deps.notifier.leadAssigned(a.userId, toLead(a.lead), a.reason);
      });
      return result;
    });
  }
}
