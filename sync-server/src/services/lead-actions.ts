import type { Lead, LeadStatus } from '../../../src/shared/lead';
import type { UserRow } from '../db/schema';
import type { WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import { ApiError } from '../errors';
import type { LeadNotifier } from '../intake/lead-notifier';
import { recordLeadRevoke, recordLeadUpsert } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById, updateLead } from '../repos/leads';
import { findUserById } from '../repos/users';
import type { Escalations } from '../lifecycle/escalations';
import { withdrawLeadOffers } from '../routing/claims';

export interface LeadActionsDeps {
  readonly writes: WriteQueue;
  readonly notifier: LeadNotifier;
  readonly clock: () => number;
  /** The SLA ladder: a moved, untouched lead starts its ladder again with the new rep. */
  readonly escalations?: Pick<Escalations, 'scheduleFor' | 'cancelFor'>;
}

const MOVABLE: readonly LeadStatus[] = ['unassigned', 'assigned', 'working'];

/** What team leads and admins do to leads: for now, give one to another rep. */
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
        throw ApiError.conflict(`the lead is ${lead.status}; only open leads can be reassigned`);
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
      if (lead.assigned_to === target.id) return { lead: toLead(lead), changed: false };

      const now = this.deps.clock();
      const from = lead.assigned_to;
      const reason = `reassigned to ${target.name} by ${actor.name}` + (note ? `: ${note}` : '');
      const status: LeadStatus = lead.first_touch_at === null ? 'assigned' : 'working';
      // A lead on offer (claim mode) is no longer anyone else's to claim.
      const offeredTo =
        lead.offered_at === null
          ? []
          : await withdrawLeadOffers(trx, lead.id, reason, now, target.id);
      await updateLead(trx, lead.id, {
        assigned_to: target.id,
        assigned_at: now,
        status,
        seen_at: null,
        offered_at: null,
        offer_expires_at: null,
        updated_at: now,
      });
      await insertLeadEvent(trx, {
        leadId: lead.id,
        type: 'reassigned',
        at: now,
        actorId: actor.id,
        data: { from, to: target.id, reason, ...(note && { note }) },
      });
      if (from) await recordLeadRevoke(trx, lead.id, from, reason, now);
      await recordLeadUpsert(trx, lead.id, target.id, now);
      await this.deps.escalations?.cancelFor(trx, lead.id, `reassigned by ${actor.name}`, now);
      if (lead.first_touch_at === null) {
        await this.deps.escalations?.scheduleFor(trx, lead, target.id, now);
      }
      const moved = toLead({
        ...lead,
        assigned_to: target.id,
        assigned_at: now,
        status,
        seen_at: null,
        offered_at: null,
        offer_expires_at: null,
        updated_at: now,
      });
      afterCommit(() => {
        if (from) this.deps.notifier.leadRevoked(from, lead.id, reason);
        for (const userId of offeredTo) this.deps.notifier.leadRevoked(userId, lead.id, reason);
        this.deps.notifier.leadAssigned(target.id, moved, reason);
      });
      return { lead: moved, changed: true };
    });
    return result.lead;
  }
}
