import type { Lead } from '../../../src/shared/lead';
import type { LeadRow, UserRow } from '../db/schema';
import type { WriteContext, WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import { ApiError } from '../domain/api-error';
import type { LeadNotifier } from '../ports/lead-notifier';
import type { ScheduledWork } from '../ports/scheduled-work';
import type { SlaSchedule } from '../ports/sla-schedule';
import { isAwayAt } from '../repos/away-periods';
import type { Db } from '../repos/db-types';
import { recordLeadRevoke } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import {
  endOffer,
  endOpenOffers,
  expiredOfferLeadIds,
  latestOffer,
  nextOfferExpiry,
  openOfferLeadIds,
  openOfferUsers,
} from '../repos/lead-offers';
import { countHeldUntouched, findLeadById, updateLead } from '../repos/leads';
import type { Assignment } from './assign';
import type { Router } from './router';

/*
 * Claim mode, after the offer (Router.offer makes it): the claim itself, and the fallback of an
 * offer nobody claimed in time. Both run inside the write queue, so two claims of one lead are
 * never applied at once: the first marks every other open offer lost in its transaction, and
 * the second finds its own offer lost. An offer's expiry is stored on the lead
 * (`offer_expires_at`), so the fallback is restart-safe: it is due until the write that carries
 * it out clears it.
 */

export interface ClaimsDeps {
  readonly writes: WriteQueue;
  readonly readDb: Db;
  readonly router: Router;
  readonly notifier: LeadNotifier;
  readonly clock: () => number;
  /** Wakes the scheduler for an offer found expired (the router keeps the SLA ladder). */
  readonly escalations?: Pick<SlaSchedule, 'wake'>;
}

const BATCH = 100;

export class Claims implements ScheduledWork {
  constructor(private readonly deps: ClaimsDeps) {}

  /**
   * `user` claims a lead offered to them. The first claim wins: the lead is theirs (an
   * `assigned` event, the SLA ladder's deadlines, a ledger turn), and every other offered rep's
   * row is revoked and they are told live. 409 `already_claimed` for a later claim, 409
   * `offer_expired` for an offer that ended otherwise, 404 for a lead never offered to `user`
   * (exactly as for a lead that does not exist). Claiming again what one already claimed answers
   * the lead again, so a retried request is harmless.
   *
   *   const lead = await claims.claim(rep, leadId);
   */
  async claim(user: UserRow, leadId: string): Promise<Lead> {
    return this.deps.writes.run(async (ctx) => {
      const { trx, afterCommit } = ctx;
      const now = this.deps.clock();
      const lead = await findLeadById(trx, leadId);
      const offer = lead && (await latestOffer(trx, lead.id, user.id));
      if (!lead || !offer) throw ApiError.notFound('lead');
      if (offer.status === 'claimed' && lead.assigned_to === user.id) return toLead(lead);
      if (offer.status === 'claimed' || offer.status === 'lost') {
        throw new ApiError(409, 'already_claimed', 'another rep claimed this lead first');
      }
      if (offer.status !== 'open' || lead.offered_at === null || lead.status !== 'unassigned') {
        throw offerEnded(
          offer.status === 'withdrawn' ? 'the offer was withdrawn' : 'the offer has expired',
        );
      }
      if (lead.offer_expires_at !== null && now >= Number(lead.offer_expires_at)) {
        // Due for its fallback: the scheduler takes it from here.
        this.deps.escalations?.wake(now);
        throw offerEnded('the offer has expired');
      }
      if (user.team_id !== lead.team_id) throw offerEnded("you are no longer in the lead's team");
      if (await isAwayAt(trx, user.id, now)) throw offerEnded('you are marked away');
      const capacity = Number(user.capacity);
      if ((await countHeldUntouched(trx, user.id)) >= capacity) {
        throw new ApiError(
          409,
          'at_capacity',
          `you hold ${capacity} untouched leads, your capacity: work some of them first`,
        );
      }

      await endOffer(trx, lead.id, user.id, 'claimed', now);
      const losers = await endOpenOffers(trx, lead.id, 'lost', now);
      const offered = losers.length + 1;
      const reason = `claimed first of ${offered} offered rep${offered === 1 ? '' : 's'}`;
      const claimed = await this.deps.router.assign(trx, {
        lead,
        now,
        to: { kind: 'claimer', rep: user },
        describe: () => ({
          reason,
          event: {
            leadId: lead.id,
            type: 'assigned',
            at: now,
            actorId: user.id,
            data: { to: user.id, reason, by: 'claim', offered, rule: lead.routing_rule },
          },
        }),
      });
      const lostReason = `claimed by ${user.name}`;
      for (const loser of losers) await recordLeadRevoke(trx, lead.id, loser, lostReason, now);
      const view = toLead(claimed.lead);
      afterCommit(() => {
        this.deps.notifier.leadAssigned(user.id, view, reason);
        for (const loser of losers) this.deps.notifier.leadRevoked(loser, lead.id, lostReason);
      });
      return view;
    });
  }

  nextDueAt(): Promise<number | null> {
    return nextOfferExpiry(this.deps.readDb);
  }

  /** Falls back every offer expired at `now` to fair routing; resolves to how many did. */
  async runDue(now: number): Promise<number> {
    let ran = 0;
    for (;;) {
      const due = await expiredOfferLeadIds(this.deps.readDb, now, BATCH);
      for (const leadId of due) {
        if (await this.deps.writes.run((ctx) => this.fallBack(ctx, leadId, now))) ran += 1;
      }
      if (due.length < BATCH) return ran;
    }
  }

  /**
   * Nobody claimed the lead in time: its offers end (each offered rep's row is revoked) and fair
   * routing gives it to the team's next eligible rep, or it waits in the team queue. The guard
   * is the lead's own expiry, read again in this write: a claim that committed first, or a run
   * before a restart, left nothing to do.
   */
  private async fallBack(ctx: WriteContext, leadId: string, now: number): Promise<boolean> {
    const { trx, afterCommit } = ctx;
    const lead = await findLeadById(trx, leadId);
    if (!lead || lead.offer_expires_at === null || Number(lead.offer_expires_at) > now) {
      return false;
    }
    const offered = await endOpenOffers(trx, lead.id, 'expired', now);
    const waited = Math.round((now - Number(lead.offered_at ?? now)) / 1000);
    await updateLead(trx, lead.id, { offered_at: null, offer_expires_at: null, updated_at: now });
    const cleared: LeadRow = { ...lead, offered_at: null, offer_expires_at: null, updated_at: now };
    await insertLeadEvent(trx, {
      leadId: lead.id,
      type: 'offer_expired',
      at: now,
      data: { offered, text: `nobody claimed it within ${waited} s: fair routing takes it` },
    });
    const assignment =
      lead.status === 'unassigned'
        ? await this.deps.router.assign(trx, { lead: cleared, now, to: { kind: 'next' } })
        : null;
    const to = assignment?.userId ?? null;
    const reason = assignment
      ? `nobody claimed it in time; routed to ${assignment.userName}`
      : 'nobody claimed it in time; back in the team queue';
    if (!assignment) {
      await insertLeadEvent(trx, {
        leadId: lead.id,
        type: 'queued',
        at: now,
        data: { reason: 'the offer expired and no rep of the team is eligible now' },
      });
    }
    const told = offered.filter((userId) => userId !== to);
    for (const userId of told) await recordLeadRevoke(trx, lead.id, userId, reason, now);
    afterCommit(() => {
      for (const userId of told) this.deps.notifier.leadRevoked(userId, lead.id, reason);
      if (assignment) {
        this.deps.notifier.leadAssigned(
          assignment.userId,
          toLead(assignment.lead),
          `${assignment.reason} (the offer expired)`,
        );
      }
    });
    return true;
  }
}

function offerEnded(message: string): ApiError {
  return new ApiError(409, 'offer_expired', message);
}

/**
 * Ends every open offer of `lead` (a team lead gave it to someone, ...) in the caller's write:
 * each offered rep's row is revoked with `reason`, except `keep`'s (the rep who now holds it).
 * Returns whom the caller tells live. The caller updates the lead's own fields.
 */
export async function withdrawLeadOffers(
  db: Db,
  leadId: string,
  reason: string,
  now: number,
  keep: string | null,
): Promise<string[]> {
  const users = await endOpenOffers(db, leadId, 'withdrawn', now);
  const told = users.filter((u) => u !== keep);
  for (const userId of told) await recordLeadRevoke(db, leadId, userId, reason, now);
  return told;
}

/**
 * Withdraws `userId`'s open offers (they are going away) in the caller's write, revoking each
 * row. A lead left with nobody to claim it is taken off offer and routed again among whoever is
 * eligible now. Returns the withdrawn lead ids and the new assignments/offers to tell.
 */
export async function withdrawOffersOf(
  db: Db,
  router: Router,
  userId: string,
  reason: string,
  now: number,
): Promise<{ withdrawn: string[]; routed: Assignment[] }> {
  const withdrawn: string[] = [];
  const routed: Assignment[] = [];
  for (const leadId of await openOfferLeadIds(db, userId)) {
    if (!(await endOffer(db, leadId, userId, 'withdrawn', now))) continue;
    withdrawn.push(leadId);
    await recordLeadRevoke(db, leadId, userId, reason, now);
    if ((await openOfferUsers(db, leadId)).length > 0) continue;
    const lead = await findLeadById(db, leadId);
    if (!lead || lead.status !== 'unassigned') continue;
    await updateLead(db, leadId, { offered_at: null, offer_expires_at: null, updated_at: now });
    const again = await router.route(
      db,
      { ...lead, offered_at: null, offer_expires_at: null, updated_at: now },
      now,
    );
    if (again.length === 0) {
      await insertLeadEvent(db, {
        leadId,
        type: 'queued',
        at: now,
        data: { reason: 'its last offer was withdrawn and no rep of the team is eligible now' },
      });
    }
    routed.push(...again);
  }
  return { withdrawn, routed };
}
