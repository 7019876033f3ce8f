import type { Disposition } from '../../../src/shared/dispositions';
import type { LeadStatus, LeadTier } from '../../../src/shared/lead';

/*
 * What the server tells the live-metrics engine, one event per committed change (sent from the
 * write's afterCommit, in commit order). Every lead event carries the lead as it is after the
 * change (`MetricsLead`), so the engine never has to guess a status from an event name: the
 * name says why (and what to count), the lead says where it is now. Definitions:
 * docs/metrics.md.
 *
 *   metrics.apply({ type: 'lead.routed', at: now, lead: metricsLead(row, slaDueAt) });
 */

/** A lead as the board needs it, after the change the event reports. */
export interface MetricsLead {
  readonly id: string;
  readonly teamId: string;
  readonly tier: LeadTier;
  /** Epoch ms: when the lead came in (the start of its speed-to-lead). */
  readonly receivedAt: number;
  /** `won` and `closed` take the lead off the board. */
  readonly status: LeadStatus;
  /** Who holds it (`assigned_to`); ignored unless the status is assigned or working. */
  readonly repId: string | null;
  /** An outcome has been logged for it (`first_touch_at` is set). */
  readonly touched: boolean;
  /**
   * When the current hold's first-touch target falls (its `alert_lead` step), epoch ms; null
   * when it has none (touched, unassigned, or reopened without a ladder).
   */
  readonly slaDueAt: number | null;
}

/** A lead event whose lead is known to be in `S` (the type keeps the server's calls honest). */
type LeadIn<S extends LeadStatus> = MetricsLead & { readonly status: S };
type Held = LeadIn<'assigned' | 'working'> & { readonly repId: string };

export type MetricsEvent =
  /** Intake, the dispatcher's drain, or a claim-mode fallback gave the lead to a rep. */
  | { readonly type: 'lead.routed'; readonly at: number; readonly lead: Held }
  /** Claim mode: a rep claimed the lead on offer. */
  | { readonly type: 'lead.claimed'; readonly at: number; readonly lead: Held }
  /** Sales-ready, nobody eligible (or on offer in a claim team): waits in the team queue. */
  | { readonly type: 'lead.queued'; readonly at: number; readonly lead: LeadIn<'unassigned'> }
  /** Below the sales-ready threshold at intake: back with marketing. */
  | { readonly type: 'lead.nurtured'; readonly at: number; readonly lead: LeadIn<'nurture'> }
  /** A team lead moved it, the SLA ladder's last step moved it, or its rep went away. */
  | {
      readonly type: 'lead.reassigned';
      readonly at: number;
      readonly lead: Held;
      readonly fromRepId: string | null;
      readonly by: 'manual' | 'sla' | 'away';
    }
  /** Its rep went away and nobody was eligible: back to the team queue. */
  | {
      readonly type: 'lead.released';
      readonly at: number;
      readonly lead: LeadIn<'unassigned'>;
      readonly fromRepId: string;
    }
  /** A rep logged a call outcome (every outcome is an attempt). */
  | {
      readonly type: 'outcome.logged';
      readonly at: number;
      readonly lead: MetricsLead;
      readonly outcome: MetricsOutcome;
    }
  /** The lead left the queue other than by an outcome. */
  | { readonly type: 'lead.closed'; readonly at: number; readonly lead: LeadIn<'won' | 'closed'> }
  /** A repeat inquiry joined the lead: it may have reopened, left nurture, or been rescored. */
  | { readonly type: 'lead.reopened'; readonly at: number; readonly lead: MetricsLead }
  /** The SLA ladder's `alert_lead` step ran: the lead passed its first-touch target untouched. */
  | {
      readonly type: 'sla.breached';
      readonly at: number;
      readonly leadId: string;
      readonly teamId: string;
      /** The rep whose hold of the lead breached (the deadline's `user_id`). */
      readonly repId: string;
    }
  /**
   * A fact about a rep changed (only the facts given change), or the rep joined or left a team
   * (`teamId` null: off every board). The engine derives the presence state from the facts.
   */
  | {
      readonly type: 'rep.presence';
      readonly at: number;
      readonly repId: string;
      readonly teamId: string | null;
      /** At least one live socket open (hub.ts). */
      readonly connected?: boolean;
      /** The rep's "receiving leads" switch. */
      readonly receivingLeads?: boolean;
      /** Inside an away period (its start ran and its end has not). */
      readonly away?: boolean;
    };

export type MetricsEventType = MetricsEvent['type'];

export interface MetricsOutcome {
  readonly id: string;
  /** Who logged it (`outcomes.user_id`); not always the lead's holder after a reassignment. */
  readonly repId: string;
  readonly disposition: Disposition;
  /** The call's time (the client's clock bounded by the server), epoch ms: what "today" reads. */
  readonly occurredAt: number;
  /** The first outcome recorded for the lead: its speed-to-lead is counted now. */
  readonly firstTouch: boolean;
}

/** The columns of a `leads` row the engine reads, as better-sqlite3 returns them. */
export interface MetricsLeadColumns {
  readonly id: string;
  readonly team_id: string | null;
  readonly tier: LeadTier;
  readonly received_at: number;
  readonly status: LeadStatus;
  readonly assigned_to: string | null;
  readonly first_touch_at: number | null;
}

/**
 * The lead as events and rebuild rows carry it, from a `leads` row (after the change) and the
 * due time of its open `alert_lead` deadline; null for a lead with no team (never on a board).
 */
export function metricsLead(row: MetricsLeadColumns, slaDueAt: number | null): MetricsLead | null {
  if (row.team_id === null) return null;
  return {
    id: row.id,
    teamId: row.team_id,
    tier: row.tier,
    receivedAt: Number(row.received_at),
    status: row.status,
    repId: row.assigned_to,
    touched: row.first_touch_at !== null,
    slaDueAt: slaDueAt === null ? null : Number(slaDueAt),
  };
}
