import { type NextStep, outcomeEffect } from '../../../src/shared/outcome-effect';
import { outcomeProblem, type Playbook } from '../../../src/shared/playbook';
import type { LeadStatus } from '../../../src/shared/lead';
import type { Mutation, MutationArgs, RejectionCode } from '../../../src/shared/sync-protocol';
import type { LeadRow, LeadsTable, UserRow } from '../db/schema';
import type { WriteContext } from '../db/write-queue';
import { recordLeadUpsert, userEverHeld } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById, updateLead } from '../repos/leads';
import { insertOutcome } from '../repos/outcomes';
import { updateUser } from '../repos/users';
import {
  closeOpenDeadlines,
  closeOpenDeadlinesOfKind,
  insertDeadline,
} from '../lifecycle/deadlines-repo';

/** Stores the alert for a callback at `at` (replacing the lead's earlier one). */
async function scheduleCallbackAlert(env: MutationEnv, lead: LeadRow, at: number): Promise<void> {
  if (lead.assigned_to === null) return;
  await closeOpenDeadlinesOfKind(
    env.ctx.trx,
    lead.id,
    'callback_due',
    'skipped: the callback moved',
    env.now,
  );
  await insertDeadline(env.ctx.trx, lead.id, lead.assigned_to, 'callback_due', at);
  env.wake?.(at);
}

/*
 * What each sync mutation does on the server. Every function checks first and writes after, so
 * a rejection returns before anything was written: the caller records it and moves the client's
 * last mutation id past it in the same transaction.
 */

export type ApplyResult =
  | {
      readonly status: 'applied';
      /** Users whose view of a lead changed: they get a poke after the commit. */
      readonly poke: readonly string[];
      /** A team whose waiting leads may now go to this user. */
      readonly drainTeam?: string;
    }
  | { readonly status: 'rejected'; readonly code: RejectionCode; readonly message: string };

export interface MutationEnv {
  readonly ctx: WriteContext;
  readonly user: UserRow;
  /** The server's clock for this write. */
  readonly now: number;
  /** Wakes the lifecycle scheduler for a deadline stored at `at` (a callback falling due). */
  readonly wake?: (at: number) => void;
  /** What outcomes schedule (the server's lifecycle.cadence and callingHours). */
  readonly playbook: Playbook;
}

const OPEN_STATUSES: readonly LeadStatus[] = ['assigned', 'working'];
/** A callback further ahead than this is a typo, not a plan. */
const MAX_CALLBACK_AHEAD_MS = 366 * 24 * 3600_000;

const reject = (code: RejectionCode, message: string): ApplyResult => ({
  status: 'rejected',
  code,
  message,
});

export async function applyMutation(m: Mutation, env: MutationEnv): Promise<ApplyResult> {
  const occurredAt = Date.parse(m.occurredAt);
  switch (m.name) {
    case 'logOutcome':
      return logOutcome(m.args, occurredAt, env);
    case 'addNote':
      return addNote(m.args, env);
    case 'scheduleCallback':
      return scheduleCallback(m.args, env);
    case 'markSeen':
      return markSeen(m.args, occurredAt, env);
    case 'setReceivingLeads':
      return setReceivingLeads(m.args, env);
  }
}

/**
 * The lead and whether the user holds it now. A lead the user never held is answered exactly
 * like a lead that does not exist, so mutations cannot probe for other reps' leads. A claim-mode
 * offer is not a hold: an offered rep may read the lead (pull, GET) but works it only once they
 * have claimed it, so until then (and after losing it) their mutations find no lead.
 */
async function leadFor(
  env: MutationEnv,
  leadId: string,
): Promise<{ lead: LeadRow; holds: boolean } | null> {
  const lead = await findLeadById(env.ctx.trx, leadId);
  if (!lead) return null;
  if (lead.assigned_to === env.user.id) return { lead, holds: true };
  // userEverHeld counts assignments only, never offers (repos/lead-changes.ts).
  return (await userEverHeld(env.ctx.trx, lead.id, env.user.id)) ? { lead, holds: false } : null;
}

/** A client's clock, kept inside what can be true: not before the lead arrived, not after now. */
function bounded(clientTime: number, lead: LeadRow, now: number): number {
  return Math.min(Math.max(clientTime, Number(lead.received_at)), now);
}

async function touch(env: MutationEnv, lead: LeadRow, patch: Partial<LeadsTable>): Promise<void> {
  await updateLead(env.ctx.trx, lead.id, { ...patch, updated_at: env.now });
  if (lead.assigned_to) await recordLeadUpsert(env.ctx.trx, lead.id, lead.assigned_to, env.now);
}

const pokeOwner = (lead: LeadRow): ApplyResult => ({
  status: 'applied',
  poke: lead.assigned_to ? [lead.assigned_to] : [],
});

async function logOutcome(
  args: MutationArgs<'logOutcome'>,
  occurredAt: number,
  env: MutationEnv,
): Promise<ApplyResult> {
  const found = await leadFor(env, args.leadId);
  if (!found) return reject('lead_not_found', 'no such lead');
  const { lead, holds } = found;
  const callbackAt = args.callbackAt === undefined ? null : Date.parse(args.callbackAt);
  if (callbackAt !== null && callbackAt > env.now + MAX_CALLBACK_AHEAD_MS) {
    return reject('invalid_time', 'the callback is more than a year ahead');
  }
  const problem = outcomeProblem(env.playbook, args.disposition, args.reasonCode);
  if (problem) return reject('invalid_outcome', problem);
  const at = bounded(occurredAt, lead, env.now);
  const inserted = await insertOutcome(env.ctx.trx, {
    id: args.outcomeId,
    lead_id: lead.id,
    user_id: env.user.id,
    disposition: args.disposition,
    note: args.note ?? null,
    callback_at: callbackAt,
    occurred_at: at,
    client_occurred_at: new Date(occurredAt).toISOString(),
    recorded_at: env.now,
    reason_code: args.reasonCode ?? null,
  });
  // The same outcome id sent again by another mutation: it is already counted.
  if (!inserted) return { status: 'applied', poke: [] };

  // Only the lead's owner moves it through its lifecycle: an outcome logged offline by a rep
  // the lead has since left is recorded (the call happened) and schedules nothing.
  const effect = holds
    ? outcomeEffect(
        {
          attempts: Number(lead.attempts),
          timezone: lead.timezone,
          phone: lead.phone,
          country: lead.country,
          region: lead.region,
          status: lead.status,
        },
        { disposition: args.disposition, at, callbackAt, reasonCode: args.reasonCode ?? null },
        env.playbook,
      )
    : null;
  await insertLeadEvent(env.ctx.trx, {
    leadId: lead.id,
    type: 'outcome',
    at,
    actorId: env.user.id,
    data: {
      outcomeId: args.outcomeId,
      disposition: args.disposition,
      ...(args.note && { note: args.note }),
      ...(callbackAt !== null && { callbackAt: new Date(callbackAt).toISOString() }),
      ...(args.reasonCode && { reasonCode: args.reasonCode }),
      ...(effect && { next: nextStepData(effect.next) }),
      ...(!holds && { afterReassignment: true }),
    },
  });
  // Touched: the SLA ladder has nothing left to escalate.
  await closeOpenDeadlines(env.ctx.trx, lead.id, 'skipped: touched', env.now);
  const firstTouch = lead.first_touch_at === null ? at : Math.min(Number(lead.first_touch_at), at);
  const patch: Partial<LeadsTable> = {
    attempts: Number(lead.attempts) + 1,
    last_attempt_at: Math.max(Number(lead.last_attempt_at ?? 0), at),
    last_disposition: args.disposition,
    first_touch_at: firstTouch,
  };
  if (effect) {
    patch.status = effect.status;
    patch.callback_at = effect.callbackAt;
    patch.next_attempt_at = effect.nextAttemptAt;
    patch.close_reason = effect.closeReason;
  }
  await touch(env, lead, patch);
  if (effect?.callbackAt != null) await scheduleCallbackAlert(env, lead, effect.callbackAt);
  return pokeOwner(lead);
}

/** The next step as the timeline keeps it (times as ISO 8601, like every timeline time). */
function nextStepData(next: NextStep): Record<string, unknown> {
  switch (next.kind) {
    case 'retry':
      return {
        kind: next.kind,
        at: new Date(next.at).toISOString(),
        attempt: next.attempt,
        of: next.of,
        ...(next.movedIntoHours && { movedIntoHours: true }),
      };
    case 'callback':
      return { kind: next.kind, at: new Date(next.at).toISOString() };
    case 'ladder_end':
      return { kind: next.kind, status: next.status, attempts: next.attempts };
    case 'won':
      return { kind: next.kind };
    case 'closed':
    case 'nurture':
      return { kind: next.kind, ...(next.reason !== null && { reason: next.reason }) };
  }
}

async function addNote(args: MutationArgs<'addNote'>, env: MutationEnv): Promise<ApplyResult> {
  const found = await leadFor(env, args.leadId);
  if (!found) return reject('lead_not_found', 'no such lead');
  await insertLeadEvent(env.ctx.trx, {
    leadId: found.lead.id,
    type: 'note',
    at: env.now,
    actorId: env.user.id,
    data: {
      noteId: args.noteId,
      text: args.text,
      ...(!found.holds && { afterReassignment: true }),
    },
  });
  await touch(env, found.lead, {});
  return pokeOwner(found.lead);
}

async function scheduleCallback(
  args: MutationArgs<'scheduleCallback'>,
  env: MutationEnv,
): Promise<ApplyResult> {
  const found = await leadFor(env, args.leadId);
  if (!found) return reject('lead_not_found', 'no such lead');
  if (!found.holds) return reject('not_your_lead', 'the lead was moved to another rep');
  if (!OPEN_STATUSES.includes(found.lead.status)) {
    return reject('lead_closed', `the lead is ${found.lead.status}`);
  }
  const at = Date.parse(args.at);
  if (at > env.now + MAX_CALLBACK_AHEAD_MS) {
    return reject('invalid_time', 'the callback is more than a year ahead');
  }
  await insertLeadEvent(env.ctx.trx, {
    leadId: found.lead.id,
    type: 'callback',
    at: env.now,
    actorId: env.user.id,
    data: {
      callbackId: args.callbackId,
      at: new Date(at).toISOString(),
      ...(args.note && { note: args.note }),
    },
  });
  await touch(env, found.lead, { callback_at: at, next_attempt_at: at });
  await scheduleCallbackAlert(env, found.lead, at);
  return pokeOwner(found.lead);
}

async function markSeen(
  args: MutationArgs<'markSeen'>,
  occurredAt: number,
  env: MutationEnv,
): Promise<ApplyResult> {
  const found = await leadFor(env, args.leadId);
  if (!found) return reject('lead_not_found', 'no such lead');
  if (!found.holds) return reject('not_your_lead', 'the lead was moved to another rep');
  if (found.lead.seen_at !== null) return { status: 'applied', poke: [] };
  const at = bounded(occurredAt, found.lead, env.now);
  await insertLeadEvent(env.ctx.trx, {
    leadId: found.lead.id,
    type: 'seen',
    at,
    actorId: env.user.id,
  });
  await touch(env, found.lead, { seen_at: at });
  return pokeOwner(found.lead);
}

async function setReceivingLeads(
  args: MutationArgs<'setReceivingLeads'>,
  env: MutationEnv,
): Promise<ApplyResult> {
  await updateUser(env.ctx.trx, env.user.id, {
    receiving_leads: args.receiving ? 1 : 0,
    updated_at: env.now,
  });
  const drain =
    args.receiving && env.user.team_id !== null && env.user.role === 'rep'
      ? { drainTeam: env.user.team_id }
      : {};
  return { status: 'applied', poke: [env.user.id], ...drain };
}
