import type { NewLeadEvent } from '../repos/lead-events';
import type { RoutingRep } from '../repos/routing-ledger';

/* Why routing chose whom: the words a lead's history keeps for a fair pick and for an offer. */

/** Why an active rep of the team was not a candidate for a lead. */
export type SkipReason =
  'not receiving leads' | 'offline' | 'at capacity' | 'outside rule' | 'away';

/** The rep chosen for a lead, and why (for the lead's history). */
export interface RepChoice {
  readonly user: RoutingRep;
  readonly reason: string;
  /** Reps who could take the lead when it was given. */
  readonly eligible: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
}

export function describeChoice(
  rep: RoutingRep,
  receiving: number,
  skipped: Readonly<Record<SkipReason, number>>,
  ruleName: string | null,
): string {
  return (
    `weighted round robin: ${rep.name} (weight ${rep.weight}) was next of ${receiving} eligible rep${receiving === 1 ? '' : 's'}` +
    skippedText(skipped) +
    (ruleName ? `; rule "${ruleName}"` : '')
  );
}

export function describeOffer(
  offered: number,
  skipped: Readonly<Record<SkipReason, number>>,
  ruleName: string | null,
): string {
  return (
    `first to claim: offered to ${offered} eligible rep${offered === 1 ? '' : 's'}` +
    skippedText(skipped) +
    (ruleName ? `; rule "${ruleName}"` : '')
  );
}

function skippedText(skipped: Readonly<Record<SkipReason, number>>): string {
  const text = Object.entries(skipped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  return text ? `; skipped ${text}` : '';
}

/** The `assigned` history event of a lead given to `choice.user`. */
export function assignedEvent(
  leadId: string,
  ruleName: string | null,
  choice: RepChoice,
  at: number,
): NewLeadEvent {
  return {
    leadId,
    type: 'assigned',
    at,
    data: {
      to: choice.user.id,
      reason: choice.reason,
      rule: ruleName,
      eligible: choice.eligible,
      skipped: choice.skipped,
    },
  };
}
