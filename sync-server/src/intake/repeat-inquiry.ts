import { emailKey, phoneKey } from '../../../src/shared/contact-identity';
import type { LeadInput, LeadSignal, LeadStatus } from '../../../src/shared/lead';
import type { LeadRow, LeadsTable } from '../db/schema';
import type { Db } from '../repos/db-types';
import { recordLeadUpsert } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLatestInquiryLead, updateLead } from '../repos/leads';
import { findUserById } from '../repos/users';
import type { ScoreLead } from '../scoring/score';
import { foldInquiryEvents, foldSignals, mergeFields } from './lead-folds';

/*
 * A repeat inquiry: the same person (normalised email, or E.164 phone) asking again within the
 * configured window is no new lead. The inquiry joins the existing lead's timeline, its signals
 * are added and it is scored again (the score never drops because someone asked twice), and a
 * lead that had left the queue comes back: a closed or won lead reopens with its rep, a nurture
 * lead that is now sales-ready is routed. What the lead keeps stays bounded (lead-folds.ts).
 * Runs inside the intake's write, which the write queue serialises, so two concurrent repeats
 * can never make two leads or lose an inquiry.
 */

export interface ContactKeys {
  readonly emailKey: string | null;
  readonly phoneKey: string | null;
}

export function contactKeys(input: Pick<LeadInput, 'email' | 'phone'>): ContactKeys {
  return { emailKey: emailKey(input.email), phoneKey: phoneKey(input.phone) };
}

/** The lead this person last asked through, if that was at or after `since` (epoch ms). */
export async function findRepeatLead(
  db: Db,
  keys: ContactKeys,
  since: number,
): Promise<LeadRow | undefined> {
  let best: LeadRow | undefined;
  for (const [column, key] of [
    ['email_key', keys.emailKey],
    ['phone_key', keys.phoneKey],
  ] as const) {
    if (key === null) continue;
    const row = await findLatestInquiryLead(db, column, key, since);
    if (row && (!best || Number(row.last_inquiry_at) > Number(best.last_inquiry_at))) best = row;
  }
  return best;
}

export interface RepeatOutcome {
  readonly lead: LeadRow;
  /** The lead was closed, won or in nurture and is back in a queue (or waiting for a rep). */
  readonly reopened: boolean;
  /** The rep to alert ("asked again"): the lead's owner, when it has one. */
  readonly owner: string | null;
  /** Sales-ready now and without a rep: the caller routes it. */
  readonly needsRouting: boolean;
}

const OPEN: readonly LeadStatus[] = ['assigned', 'working'];

/** Folds the inquiry into `lead` and records it; the caller routes and alerts after. */
export async function applyRepeatInquiry(
  db: Db,
  lead: LeadRow,
  input: LeadInput,
  scoreLead: ScoreLead,
  now: number,
): Promise<RepeatOutcome> {
  // Bounded (lead-folds.ts): the signals scoring counts, fields up to the API's limit.
  const { kept: signals, folded: signalsFolded } = foldSignals([
    ...(JSON.parse(lead.signals) as LeadSignal[]),
    ...input.signals,
  ]);
  const merged: LeadInput = {
    source: lead.source,
    externalId: lead.external_id,
    name: lead.name,
    email: lead.email ?? input.email,
    phone: lead.phone ?? input.phone,
    company: lead.company ?? input.company,
    title: lead.title ?? input.title,
    country: lead.country ?? input.country,
    region: lead.region ?? input.region,
    timezone: lead.timezone ?? input.timezone,
    message: lead.message ?? input.message,
    signals,
    fields: mergeFields(JSON.parse(lead.fields) as Record<string, string>, input.fields),
    receivedAt: Number(lead.received_at),
  };
  const rescored = scoreLead(merged, now);
  const raised = rescored.score > Number(lead.score);

  let status = lead.status;
  let reopened = false;
  let owner = lead.assigned_to;
  if (status === 'won' || status === 'closed') {
    const rep = owner === null ? undefined : await findUserById(db, owner);
    const repActive =
      rep !== undefined &&
      rep.role === 'rep' &&
      Number(rep.active) === 1 &&
      rep.team_id === lead.team_id;
    reopened = true;
    if (repActive) status = lead.first_touch_at === null ? 'assigned' : 'working';
    else {
      status = 'unassigned';
      owner = null;
    }
  } else if (status === 'nurture' && (raised ? rescored.salesReady : false)) {
    reopened = true;
    status = 'unassigned';
  }

  const patch: Partial<Omit<LeadsTable, 'id' | 'created_at'>> & { updated_at: number } = {
    email: merged.email,
    phone: merged.phone,
    company: merged.company,
    title: merged.title,
    country: merged.country,
    region: merged.region,
    timezone: merged.timezone,
    signals: JSON.stringify(signals),
    fields: JSON.stringify(merged.fields),
    inquiries: Number(lead.inquiries) + 1,
    last_inquiry_at: now,
    status,
    assigned_to: owner,
    ...(owner === null && { assigned_at: null }),
    ...(raised && {
      score: rescored.score,
      tier: rescored.tier,
      score_reasons: JSON.stringify(rescored.reasons),
    }),
    ...(lead.email_key === null && { email_key: emailKey(merged.email) }),
    ...(lead.phone_key === null && { phone_key: phoneKey(merged.phone) }),
    updated_at: now,
  };
  await updateLead(db, lead.id, patch);
  await insertLeadEvent(db, {
    leadId: lead.id,
    type: 'inquiry',
    at: now,
    data: {
      source: input.source,
      ...(input.externalId !== null && { externalId: input.externalId }),
      ...(input.message !== null && { message: input.message }),
      signals: input.signals.map((s) => s.type),
      inquiry: Number(lead.inquiries) + 1,
      ...(raised && { scoreBefore: Number(lead.score), scoreAfter: rescored.score }),
      ...(reopened && { reopenedFrom: lead.status }),
      ...(signalsFolded > 0 && { signalsFolded }),
    },
  });
  await foldInquiryEvents(db, lead.id);
  if (owner !== null) await recordLeadUpsert(db, lead.id, owner, now);
  const updated: LeadRow = { ...lead, ...patch };
  return {
    lead: updated,
    reopened,
    owner: OPEN.includes(status) ? owner : null,
    needsRouting: status === 'unassigned' && lead.team_id !== null,
  };
}

/** What the owner reads in the "asked again" toast. */
export function askedAgainText(
  lead: Pick<LeadRow, 'name' | 'inquiries'>,
  input: LeadInput,
): string {
  const message = input.message ? `: “${input.message.slice(0, 120)}”` : '';
  return `${lead.name} asked again (${ordinal(Number(lead.inquiries))} inquiry, via ${input.source})${message}`;
}

/** 2nd, 3rd, 4th, 11th, 21st, ... */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
