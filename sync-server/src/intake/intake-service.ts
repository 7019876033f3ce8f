import { uuidv7 } from '../../../src/shared/ids';
import type { Lead, LeadInput } from '../../../src/shared/lead';
import type { LeadRow } from '../db/schema';
import type { WriteContext, WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import type { Db } from '../repos/db-types';
import { findIdempotentLeadId, insertIdempotencyKey } from '../repos/idempotency';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById, findLeadBySourceExternalId, insertLead } from '../repos/leads';
import type { LiveHub } from '../live/hub';
import { applyRepeatInquiry, askedAgainText, contactKeys, findRepeatLead } from './repeat-inquiry';
import type { Router } from '../routing/router';
import type { ScoreLead } from '../scoring/score';
import type { LeadNotifier } from '../ports/lead-notifier';

export interface IntakeResult {
  readonly lead: Lead;
  /** False when the lead was seen before (same source + externalId, or same Idempotency-Key). */
  readonly created: boolean;
  /** The same person asked again: the inquiry joined this existing lead (no new lead). */
  readonly repeatInquiry?: boolean;
}

/**
 * Where a lead came from, for Idempotency-Keys: they are scoped to their origin, an API key id
 * (POST /api/v1/leads) or a lead source id (its webhook).
 */
export interface IntakeOrigin {
  readonly originId: string;
  readonly idempotencyKey: string | null;
}

export interface IntakeDeps {
  readonly writes: WriteQueue;
  /** Chooses the team, and assigns (the SLA ladder's deadlines are stored with the lead). */
  readonly router: Router;
  /** The same person asking again within this many ms joins their lead; 0 turns it off. */
  readonly repeatWindowMs?: number;
  /** "Asked again" alerts to the lead's rep. */
  readonly alerts?: Pick<LiveHub, 'sendToUser'>;
  readonly scoreLead: ScoreLead;
  readonly notifier: LeadNotifier;
  readonly clock: () => number;
}

/**
 * Takes a validated lead in: dedupe, score, choose a team, store, route, tell the rep. All of it
 * is one write in the group-commit queue, so the promise resolves only once the lead and its
 * assignment are durable, and the rep's live message is sent right after that commit.
 *
 *   const { lead, created } = await intake.submit(input, { originId: apiKey.id, idempotencyKey });
 */
export class IntakeService {
  constructor(private readonly deps: IntakeDeps) {}

  submit(input: LeadInput, origin: IntakeOrigin): Promise<IntakeResult> {
    return this.deps.writes.run((ctx) => this.submitWithin(ctx, input, origin));
  }

  /**
   * The same, inside a write the caller runs, so what it records about the lead (a source's
   * delivery) commits or rolls back with the lead itself.
   */
  async submitWithin(
    { trx, afterCommit }: WriteContext,
    input: LeadInput,
    origin: IntakeOrigin,
  ): Promise<IntakeResult> {
    const seen = await this.findSeen(trx, input, origin);
    if (seen) {
      if (
        origin.idempotencyKey &&
        !(await findIdempotentLeadId(trx, origin.originId, origin.idempotencyKey))
      ) {
        await insertIdempotencyKey(
          trx,
          origin.originId,
          origin.idempotencyKey,
          seen.id,
          this.deps.clock(),
        );
      }
      return { lead: toLead(seen), created: false };
    }

    const keys = contactKeys(input);
    const windowMs = this.deps.repeatWindowMs ?? 0;
    if (windowMs > 0 && (keys.emailKey !== null || keys.phoneKey !== null)) {
      const repeat = await findRepeatLead(trx, keys, this.deps.clock() - windowMs);
      if (repeat) return this.repeatInquiry({ trx, afterCommit }, repeat, input, origin);
    }

    const now = this.deps.clock();
    const { score, tier, salesReady, reasons } = this.deps.scoreLead(input, now);
    const team = await this.deps.router.chooseTeam(trx, input);
    const ruleName = team.rule?.name ?? null;
    const row: LeadRow = {
      id: uuidv7(),
      source: input.source,
      external_id: input.externalId,
      name: input.name,
      email: input.email,
      phone: input.phone,
      company: input.company,
      title: input.title,
      country: input.country,
      region: input.region,
      timezone: input.timezone,
      message: input.message,
      signals: JSON.stringify(input.signals),
      fields: JSON.stringify(input.fields),
      score,
      tier,
      score_reasons: JSON.stringify(reasons),
      status: salesReady ? 'unassigned' : 'nurture',
      team_id: team.teamId,
      routing_rule: ruleName,
      assigned_to: null,
      assigned_at: null,
      received_at: Math.min(input.receivedAt, now),
      first_touch_at: null,
      seen_at: null,
      attempts: 0,
      last_attempt_at: null,
      last_disposition: null,
      callback_at: null,
      created_at: now,
      updated_at: now,
      email_key: keys.emailKey,
      phone_key: keys.phoneKey,
      inquiries: 1,
      last_inquiry_at: Math.min(input.receivedAt, now),
      next_attempt_at: null,
      close_reason: null,
      offered_at: null,
      offer_expires_at: null,
    };
    const store = async (stored: LeadRow) => {
      await insertLead(trx, stored);
      await insertLeadEvent(trx, {
        leadId: row.id,
        type: 'received',
        at: now,
        data: { source: row.source, score, tier, reasons, team: team.teamId, rule: ruleName },
      });
      if (origin.idempotencyKey) {
        await insertIdempotencyKey(trx, origin.originId, origin.idempotencyKey, row.id, now);
      }
    };
    // A fair team's lead goes through the one assignment path with `insert`: stored once,
    // already assigned. A claim team's lead is stored waiting, then offered to every eligible rep.
    const assignment =
      salesReady && team.assignment === 'fair'
        ? await this.deps.router.assign(trx, {
            lead: row,
            now,
            to: { kind: 'next' },
            insert: store,
          })
        : null;
    if (assignment) {
      const lead = toLead(assignment.lead);
      afterCommit(() =>
        this.deps.notifier.leadAssigned(assignment.userId, lead, assignment.reason),
      );
      return { lead, created: true };
    }
    await store(row);
    if (!salesReady) {
      await insertLeadEvent(trx, {
        leadId: row.id,
        type: 'nurtured',
        at: now,
        data: { reason: `score ${score} is below the sales-ready threshold` },
      });
      return { lead: toLead(row), created: true };
    }
    const offers = team.assignment === 'claim' ? await this.deps.router.offer(trx, row, now) : [];
    const first = offers[0];
    if (first) {
      const offered = toLead(first.lead);
      afterCommit(() => {
        for (const o of offers) this.deps.notifier.leadAssigned(o.userId, offered, o.reason);
      });
      return { lead: offered, created: true };
    }
    await insertLeadEvent(trx, {
      leadId: row.id,
      type: 'queued',
      at: now,
      data: {
        reason: team.teamId ? 'no rep of the team is eligible now' : 'no team exists yet',
      },
    });
    return { lead: toLead(row), created: true };
  }

  /** A repeat inquiry joins `lead`; it may reopen it, route it, and the rep is told. */
  private async repeatInquiry(
    { trx, afterCommit }: WriteContext,
    lead: LeadRow,
    input: LeadInput,
    origin: IntakeOrigin,
  ): Promise<IntakeResult> {
    const now = this.deps.clock();
    const outcome = await applyRepeatInquiry(trx, lead, input, this.deps.scoreLead, now);
    if (origin.idempotencyKey) {
      await insertIdempotencyKey(trx, origin.originId, origin.idempotencyKey, lead.id, now);
    }
    if (input.externalId !== null) {
      // The sender's id for this inquiry finds the lead again when it retries.
      await insertIdempotencyKey(
        trx,
        origin.originId,
        `external:${input.source}:${input.externalId}`,
        lead.id,
        now,
      );
    }
    let row = outcome.lead;
    // A lead on offer (claim mode) is already being routed: its offer runs on.
    if (outcome.needsRouting && row.offered_at === null) {
      // Fair teams assign it, claim teams offer it (one entry per rep to tell).
      const routed = await this.deps.router.route(trx, row, now);
      const first = routed[0];
      if (first) {
        row = first.lead;
        const moved = toLead(row);
        afterCommit(() => {
          for (const a of routed) this.deps.notifier.leadAssigned(a.userId, moved, a.reason);
        });
      }
    }
    const owner = outcome.owner;
    if (owner !== null) {
      const text = askedAgainText(outcome.lead, input);
      afterCommit(() => {
        this.deps.alerts?.sendToUser(owner, {
          type: 'lead.alert',
          leadId: lead.id,
          kind: 'asked_again',
          text,
        });
        this.deps.notifier.poke(owner);
      });
    }
    return { lead: toLead(row), created: false, repeatInquiry: true };
  }

  private async findSeen(db: Db, input: LeadInput, origin: IntakeOrigin) {
    if (origin.idempotencyKey) {
      const leadId = await findIdempotentLeadId(db, origin.originId, origin.idempotencyKey);
      if (leadId) return findLeadById(db, leadId);
    }
    if (input.externalId) {
      const known = await findLeadBySourceExternalId(db, input.source, input.externalId);
      if (known) return known;
      // A repeat inquiry's own externalId, recorded when it joined an earlier lead.
      const joined = await findIdempotentLeadId(
        db,
        origin.originId,
        `external:${input.source}:${input.externalId}`,
      );
      if (joined) return findLeadById(db, joined);
    }
    return undefined;
  }
}
