import type { LeadStatus } from '../../../src/shared/lead';
import type { LeadRow, LeadsTable, UserRow } from '../db/schema';
import type { SlaSchedule } from '../ports/sla-schedule';
import type { Db } from '../repos/db-types';
import { recordLeadRevoke, recordLeadUpsert } from '../repos/lead-changes';
import { insertLeadEvent, type NewLeadEvent } from '../repos/lead-events';
import { updateLead } from '../repos/leads';
import type { RoutingRep } from '../repos/routing-ledger';
import { assignedEvent, type RepChoice } from './reasons';

/*
 * The one way a lead comes into a rep's hands. Intake, a repeat inquiry, a release, a team
 * lead's reassignment, the SLA ladder's reassignment, a claim and a claim's fallback, an away
 * period's hand-on and the dispatcher's drain all call `Router.assign`, which runs
 * `assignLead`: it owns the three things every hand-over must keep true, in the caller's
 * transaction:
 *
 * - fairness: a fair pick advances the ledger; a claim counts as the claimer's turn;
 * - the change log: the previous holder's row is revoked, the new holder's upserted, so each
 *   app's pull sees the move;
 * - the SLA schedule: the old hold's open steps close, an untouched lead's ladder starts again
 *   for its new holder, and a booked callback's alert follows the lead.
 *
 * What the lead's history says is the caller's (`describe`); telling the reps live after the
 * commit is the caller's too.
 *
 *   const a = await router.assign(trx, { lead, now, to: { kind: 'next' } });
 *   if (a) afterCommit(() => notifier.leadAssigned(a.userId, toLead(a.lead), a.reason));
 */

/** A rep a lead is handed to. */
export type HandOverRep = Pick<UserRow, 'id' | 'name' | 'weight'>;

/** What the lead's history records for a hand-over, and the reason its previous holder is told. */
export interface HandOverRecord {
  readonly reason: string;
  readonly event: NewLeadEvent;
}

/** Describes a hand-over to `rep`; `routing` is the fair pick's reason (null for a chosen rep). */
export type DescribeHandOver = (rep: HandOverRep, routing: string | null) => HandOverRecord;

interface AssignCommon {
  /** The lead as stored (or, with `insert`, as it is about to be). */
  readonly lead: LeadRow;
  readonly now: number;
  /** The open steps of the hold the lead leaves close first, `skipped: <why>` (a reassignment). */
  readonly closeSteps?: string;
  /** More fields the hand-over sets (a nurture lead's close reason cleared). */
  readonly patch?: Partial<Pick<LeadsTable, 'close_reason'>>;
  /**
   * Stores a new lead instead of updating one (intake): called once with the lead as assigned,
   * so a new lead is written once. Not called when nobody is eligible.
   */
  readonly insert?: (row: LeadRow) => Promise<void>;
}

export type AssignRequest =
  | (AssignCommon & {
      /** The next eligible rep of the lead's team in fair order; the fairness ledger advances. */
      readonly to: { readonly kind: 'next'; readonly exclude?: ReadonlySet<string> };
      /** By default an `assigned` event with the fair pick's reason. */
      readonly describe?: DescribeHandOver;
    })
  | (AssignCommon & {
      /**
       * `claimer`: the rep who claimed it first, the claim counted as their turn in the ledger.
       * `chosen`: a rep a team lead chose; the ledger is left as it is.
       */
      readonly to: { readonly kind: 'claimer' | 'chosen'; readonly rep: HandOverRep };
      readonly describe: DescribeHandOver;
    });

/** A hand-over to a rep already known (a claim, a team lead's choice): it always happens. */
export type ChosenRepRequest = Extract<
  AssignRequest,
  { readonly to: { readonly kind: 'claimer' | 'chosen' } }
>;

export interface Assignment {
  /** The lead as it is now (for the live push). */
  readonly lead: LeadRow;
  readonly userId: string;
  /** The rep's name, for what others are told ("claimed by ...", "moved to ..."). */
  readonly userName: string;
  /** What the lead's history says (by default the fair pick's reason). */
  readonly reason: string;
  /** The fair pick's (or the offer's) reason; null for a chosen or claiming rep. */
  readonly routing: string | null;
}

/** The fairness side of the path (the Router). */
export interface FairPicker {
  pickRep(
    db: Db,
    teamId: string,
    ruleName: string | null,
    options: { readonly exclude?: ReadonlySet<string>; readonly now?: number },
  ): Promise<RepChoice | null>;
  recordClaim(db: Db, teamId: string, user: Pick<RoutingRep, 'id' | 'weight'>): Promise<void>;
}

/**
 * Hands `request.lead` to a rep (see the top of this file). Null, with nothing changed, when
 * `next` finds nobody eligible (or the lead has no team).
 */
export function assignLead(
  fairness: FairPicker,
  sla: SlaSchedule | undefined,
  db: Db,
  request: ChosenRepRequest,
): Promise<Assignment>;
export function assignLead(
  fairness: FairPicker,
  sla: SlaSchedule | undefined,
  db: Db,
  request: AssignRequest,
): Promise<Assignment | null>;
export async function assignLead(
  fairness: FairPicker,
  sla: SlaSchedule | undefined,
  db: Db,
  request: AssignRequest,
): Promise<Assignment | null> {
  const { lead, now } = request;
  let rep: HandOverRep;
  let choice: RepChoice | null = null;
  if (request.to.kind === 'next') {
    if (lead.team_id === null) return null;
    const { exclude } = request.to;
    choice = await fairness.pickRep(db, lead.team_id, lead.routing_rule, {
      now,
      ...(exclude && { exclude }),
    });
    if (!choice) return null;
    rep = choice.user;
  } else {
    rep = request.to.rep;
    if (request.to.kind === 'claimer' && lead.team_id !== null) {
      await fairness.recordClaim(db, lead.team_id, rep);
    }
  }

  // A lead that was worked before (a release, a reopened lead whose rep left) is not untouched:
  // `assigned` means "no outcome yet" to the board and the SLA ladder.
  const status: LeadStatus = lead.first_touch_at === null ? 'assigned' : 'working';
  const onOffer = lead.offered_at !== null || lead.offer_expires_at !== null;
  const patch = {
    status,
    assigned_to: rep.id,
    assigned_at: now,
    seen_at: null,
    ...(onOffer && { offered_at: null, offer_expires_at: null }),
    ...request.patch,
    updated_at: now,
  };
  const held: LeadRow = { ...lead, ...patch };
  if (request.insert) await request.insert(held);
  else await updateLead(db, lead.id, patch);

  const routing = choice?.reason ?? null;
  const record: HandOverRecord = request.describe
    ? request.describe(rep, routing)
    : defaultRecord(lead, choice, now);
  await insertLeadEvent(db, record.event);
  const from = lead.assigned_to;
  if (from !== null && from !== rep.id) {
    await recordLeadRevoke(db, lead.id, from, record.reason, now);
  }
  await recordLeadUpsert(db, lead.id, rep.id, now);

  if (sla) {
    if (request.closeSteps !== undefined) {
      await sla.cancelFor(db, lead.id, request.closeSteps, now);
    }
    if (lead.first_touch_at === null) await sla.scheduleFor(db, lead, rep.id, now);
    const callbackAt = lead.callback_at === null ? null : Number(lead.callback_at);
    if (callbackAt !== null && callbackAt > now) {
      await sla.callbackFor(db, lead.id, rep.id, callbackAt, now);
    }
  }
  return { lead: held, userId: rep.id, userName: rep.name, reason: record.reason, routing };
}

function defaultRecord(lead: LeadRow, choice: RepChoice | null, now: number): HandOverRecord {
  // Only a fair pick comes without `describe` (the request's type says so).
  if (!choice) throw new Error('a chosen or claiming rep needs a description of the hand-over');
  return {
    reason: choice.reason,
    event: assignedEvent(lead.id, lead.routing_rule, choice, now),
  };
}
