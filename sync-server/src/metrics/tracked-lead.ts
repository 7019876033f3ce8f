import type { LeadTier } from '../../../src/shared/lead';
import type { MetricsLead } from './metrics-events';
import { compareIds } from './sorted-list';

/*
 * A lead as the board keeps it: a private copy (the caller's object is not held), its status
 * reduced to the place it is counted in, and the orders its sorted sets use.
 */

export interface LeadBase {
  readonly id: string;
  readonly teamId: string;
  readonly tier: LeadTier;
  readonly receivedAt: number;
}

/** Assigned or working, with a rep. */
export interface HeldLead extends LeadBase {
  readonly place: 'held';
  readonly repId: string;
  /** Status assigned and no outcome logged. */
  readonly untouched: boolean;
  /** Kept only while untouched. */
  readonly slaDueAt: number | null;
}

export interface WaitingLead extends LeadBase {
  readonly place: 'unassigned' | 'nurture';
}

export type TrackedLead = HeldLead | WaitingLead;
export type AtRiskLead = HeldLead & { readonly slaDueAt: number };

export const byReceived = (a: LeadBase, b: LeadBase) =>
  a.receivedAt - b.receivedAt || compareIds(a.id, b.id);
export const bySlaDue = (a: AtRiskLead, b: AtRiskLead) =>
  a.slaDueAt - b.slaDueAt || compareIds(a.id, b.id);

/** The board's reading of a lead; null when it is off the board (won, closed). */
export function track(lead: MetricsLead): TrackedLead | null {
  const { id, teamId, tier, receivedAt } = lead;
  switch (lead.status) {
    case 'won':
    case 'closed':
      return null;
    case 'nurture':
    case 'unassigned':
      return { id, teamId, tier, receivedAt, place: lead.status };
    case 'assigned':
    case 'working': {
      // Open with nobody holding it is waiting, whatever the status says.
      if (lead.repId === null) return { id, teamId, tier, receivedAt, place: 'unassigned' };
      const untouched = lead.status === 'assigned' && !lead.touched;
      const slaDueAt = untouched ? lead.slaDueAt : null;
      return {
        id,
        teamId,
        tier,
        receivedAt,
        place: 'held',
        repId: lead.repId,
        untouched,
        slaDueAt,
      };
    }
  }
}

export function hasDeadline(lead: HeldLead): lead is AtRiskLead {
  return lead.slaDueAt !== null;
}
