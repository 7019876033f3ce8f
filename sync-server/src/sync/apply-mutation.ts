import { type NextStep, outcomeEffect } from '../../../src/shared/outcome-effect';
import { outcomeProblem, type Playbook } from '../../../src/shared/playbook';
import type { LeadStatus } from '../../../src/shared/lead';
import type { Mutation, MutationArgs, RejectionCode } from '../../../src/shared/sync-protocol';
import type { LeadRow, LeadsTable, UserRow } from '../db/schema';
import type { WriteContext } from '../db/write-queue';
import { lastRevokeReason, recordLeadUpsert, userEverHeld } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById, updateLead } from '../repos/leads';
import { insertOutcome } from '../repos/outcomes';
import { updateUser } from '../repos/users';
import { closeOpenDeadlines, closeOpenDeadlinesOfKind, insertDeadline } from '../repos/deadlines';
import { acceptClientTime, clientTimeData } from './client-time';

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
 * The lead, if this user holds it now; otherwise the rejection. Every lead mutation is the
 * holder's alone: an outcome, note, callback or "seen" from a rep the lead has left
 * (reassigned, released, moved by the SLA ladder) would close its new owner's SLA steps, set
 * its first touch, or write on a timeline that is no longer theirs. A lead the user never held
 * is answered exactly like a lead that does not exist, so mutations cannot probe for other
 * reps' leads. A claim-mode offer is not a hold: an offered rep may read the lead (pull, GET)
 * but works it only once they have claimed it.
 */
async function heldLead(
  env: MutationEnv,
  leadId: string,
): Promise<{ lead: LeadRow } | { rejected: ApplyResult }> {
  const lead = await findLeadById(env.ctx.trx, leadId);
  if (lead && lead.assigned_to === env.user.id) return { lead };
  // userEverHeld counts assignments only, never offers (repos/lead-changes.ts).
  if (!lead || !(await userEverHeld(env.ctx.trx, lead.id, env.user.id))) {
    return { rejected: reject('lead_not_found', 'no such lead') };
  }
  const why =
    (await lastRevokeReason(env.ctx.trx, lead.id, env.user.id)) ??
    (lead.assigned_to === null ? 'released to the team queue' : 'moved to another rep');
  return {
    rejected: reject(
      'not_your_lead',
      `${lead.name} is no longer yours (${why}): only the rep who holds a lead can log on it`,
    ),
  };
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
  const found = await heldLead(env, args.leadId);
  if ('rejected' in found) return found.rejected;
  const { lead } = found;
  const callbackAt = args.callbackAt === undefined ? null : Date.parse(args.callbackAt);
  if (callbackAt !== null && callbackAt > env.now + MAX_CALLBACK_AHEAD_MS) {
    return reject('invalid_time', 'the callback is more than a year ahead');
  }
  const problem = outcomeProblem(env.playbook, args.disposition, args.reasonCode);
  if (problem) return reject('invalid_outcome', problem);
  const time = acceptClientTime(occurredAt, lead, env.now);
  const at = time.at;
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

  const effect = outcomeEffect(
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
  );
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
      next: nextStepData(effect.next),
      ...clientTimeData(time, occurredAt),
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
    status: effect.status,
    callback_at: effect.callbackAt,
    next_attempt_at: effect.nextAttemptAt,
    close_reason: effect.closeReason,
  };
  await touch(env, lead, patch);
  if (effect.callbackAt !== null) await scheduleCallbackAlert(env, lead, effect.callbackAt);
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
  const found = await heldLead(env, args.leadId);
  if ('rejected' in found) return found.rejected;
  await insertLeadEvent(env.ctx.trx, {
    leadId: found.lead.id,
    type: 'note',
    at: env.now,
    actorId: env.user.id,
    data: { noteId: args.noteId, text: args.text },
  });
  await touch(env, found.lead, {});
  return pokeOwner(found.lead);
}

async function scheduleCallback(
  args: MutationArgs<'scheduleCallback'>,
  env: MutationEnv,
): Promise<ApplyResult> {
  const found = await heldLead(env, args.leadId);
  if ('rejected' in found) return found.rejected;
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
  const found = await heldLead(env, args.leadId);
  if ('rejected' in found) return found.rejected;
  if (found.lead.seen_at !== null) return { status: 'applied', poke: [] };
  const time = acceptClientTime(occurredAt, found.lead, env.now);
  const at = time.at;
  await insertLeadEvent(env.ctx.trx, {
    leadId: found.lead.id,
    type: 'seen',
    at,
    actorId: env.user.id,
    data: clientTimeData(time, occurredAt),
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
