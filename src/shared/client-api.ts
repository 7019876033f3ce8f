import { z } from 'zod';
import type { BoardServerMessage } from './board-protocol';
import { DISPOSITIONS } from './dispositions';
import type { Lead } from './lead';
import type { LeadAlertKind } from './live-protocol';
import type { NextStep } from './outcome-effect';
import type { QueueRow } from './priority';
import type { RejectionCode, TimelineEntry } from './sync-protocol';
import type { UserRole } from './user';

/*
 * The client core's public face: commands in, events out. The desktop app's IPC carries exactly
 * these (app-api.ts; the renderer sends commands, main validates them with these schemas), and
 * the headless client prints the events as JSON lines. No Node here: the renderer imports it.
 */

const uuid = z.string().regex(/^[0-9a-f-]{36}$/, 'must be a lead id');
const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const ClientCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('logOutcome'),
    leadId: uuid,
    disposition: z.enum(DISPOSITIONS),
    note: z.string().trim().max(2000).optional(),
    callbackAt: isoDate.optional(),
    /** Why, for outcomes the playbook asks a reason for (src/shared/playbook.ts). */
    reasonCode: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be a reason code, e.g. no_budget')
      .optional(),
  }),
  z.strictObject({
    type: z.literal('addNote'),
    leadId: uuid,
    text: z.string().trim().min(1, 'must not be empty').max(5000),
  }),
  z.strictObject({
    type: z.literal('scheduleCallback'),
    leadId: uuid,
    at: isoDate,
    note: z.string().trim().max(2000).optional(),
  }),
  z.strictObject({ type: z.literal('markSeen'), leadId: uuid }),
  z.strictObject({ type: z.literal('setReceivingLeads'), receiving: z.boolean() }),
]);
export type ClientCommand = z.infer<typeof ClientCommandSchema>;

/** A lead as the rep sees it: the server's copy with pending local changes applied. */
export interface LocalLead {
  readonly lead: Lead;
  readonly timeline: readonly LocalTimelineEntry[];
  /** Local changes to it the server has not acknowledged yet. */
  readonly pending: number;
  /** Set when the server moved the lead away: why. */
  readonly revoked: { readonly reason: string; readonly at: string } | null;
}

export type LocalTimelineEntry = TimelineEntry & { readonly pending?: boolean };

export interface QueueItem {
  readonly lead: Lead;
  readonly row: QueueRow;
  readonly pending: number;
}

export interface RejectedChange {
  readonly mutationId: number;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly code: string;
  /** Why, in words (the server's: e.g. whose lead it is now). */
  readonly message: string;
  readonly at: string;
  /** The lead it was for, when this app still has it (a lead that left the rep is kept). */
  readonly leadName?: string;
}

export interface SyncStatus {
  readonly online: boolean;
  readonly lastSyncAt: string | null;
  /** Outbox entries not yet acknowledged. */
  readonly pending: number;
  /** Rejected changes the rep has not dismissed. */
  readonly rejected: number;
  readonly receivingLeads: boolean | null;
  /** Set when sync stopped for good until the app changes (old protocol, signed out, ...). */
  readonly stopped: string | null;
  /**
   * Changes from the server this app could not read and skipped (each also a `change.skipped`
   * event), counted on this device since sign-in; the rest of their page was applied.
   */
  readonly skipped: number;
  /** A call the rep started and has not logged an outcome for: the app keeps them on it. */
  readonly openCall: OpenCall | null;
}

/** A call in progress: started with "call", ended only by logging its outcome (or cancelling). */
export interface OpenCall {
  readonly leadId: string;
  readonly startedAt: string;
}

/** What `execute` did: the outbox entry, and for an outcome the next step it scheduled. */
export interface ExecuteResult {
  readonly mutationId: number;
  readonly next?: NextStep;
}

export type ClientEvent =
  | { readonly type: 'online' }
  | { readonly type: 'offline'; readonly reason: string; readonly retryInMs: number }
  | { readonly type: 'synced'; readonly changes: number; readonly revoked: number }
  | { readonly type: 'lead.assigned'; readonly lead: Lead; readonly reason: string }
  | { readonly type: 'lead.revoked'; readonly leadId: string; readonly reason: string }
  /** The server says something about a lead the rep should know now (an SLA step, ...). */
  | {
      readonly type: 'lead.alert';
      readonly leadId: string;
      readonly kind: LeadAlertKind;
      readonly text: string;
    }
  | { readonly type: 'notified'; readonly leadIds: readonly string[]; readonly summary: boolean }
  | { readonly type: 'notify.failed'; readonly message: string }
  | { readonly type: 'queued'; readonly mutationId: number; readonly name: string }
  | { readonly type: 'outcome.acked'; readonly mutationId: number; readonly name: string }
  | {
      readonly type: 'rejected';
      readonly mutationId: number;
      readonly name: string;
      readonly code: RejectionCode;
      readonly message: string;
    }
  | { readonly type: 'queue.changed' }
  /** The server's playbook changed (fetched at connect): outcomes, ladder, calling hours. */
  | { readonly type: 'playbook.changed' }
  | { readonly type: 'call.changed'; readonly call: OpenCall | null }
  | { readonly type: 'stopped'; readonly code: string; readonly message: string }
  | { readonly type: 'invalid.message'; readonly source: string; readonly message: string }
  /**
   * A pulled change this app could not read was skipped (the cursor moved past it and the rest
   * of the page was applied): the lead it was about, if it named one, and what was wrong.
   */
  | { readonly type: 'change.skipped'; readonly leadId: string | null; readonly message: string }
  /**
   * A team-lead board message from the live channel (only team leads and admins get them): the
   * app folds them into its boards (src/shared/board-model.ts) and tells the page, coalesced.
   */
  | { readonly type: 'board.message'; readonly message: BoardServerMessage }
  /**
   * Who the server says the signed-in user is, on every live connect: a kept session learns its
   * role here, and a role changed by an admin shows without signing in again.
   */
  | { readonly type: 'user.changed'; readonly role: UserRole; readonly teamId: string | null };

export type ClientEventType = ClientEvent['type'];
