import type { Kysely, Transaction } from 'kysely';
import type { Lead } from '../../shared/lead';
import type { MutationName, TimelineEntry } from '../../shared/sync-protocol';

/*
 * The client's local database (one file per signed-in user). The server's copy of each lead is
 * kept whole, as JSON, exactly as the last pull or live message gave it; what the rep sees is
 * that copy with the outbox's pending changes laid over it (overlay.ts), so a pull can never
 * undo a change the server has not acknowledged yet.
 */

export interface LocalLeadsTable {
  id: string;
  /** JSON: Lead, the server's copy. */
  lead: string;
  /** JSON: TimelineEntry[], the server's copy (empty until the first pull that carries it). */
  timeline: string;
  status: Lead['status'];
  /** Epoch ms of the server's `updatedAt`: an older copy never replaces a newer one. */
  server_updated_at: number;
  /** Set when the server moved the lead away from this rep: why, and when. */
  revoked_reason: string | null;
  revoked_at: number | null;
  /** When a notification was requested for it (one toast per lead, across restarts). */
  notified_at: number | null;
  /** Name, company and email, folded for search (history.ts `leadSearchKey`). */
  search_key: string;
  /** The phone number's digits, for search by number. */
  phone_digits: string;
  /** Epoch ms of the lead's `receivedAt`: search lists the newest first. */
  received_at: number;
}

/** Mutations not yet acknowledged by the server, in id order. */
export interface OutboxTable {
  mutation_id: number;
  name: MutationName;
  /** JSON of the mutation's args. */
  args: string;
  occurred_at: string;
  created_at: number;
  /**
   * When the server acknowledged it as applied; null while it still has to be sent. An applied
   * row stays (laid over the server's copy, no longer sent) until a pull has brought back the
   * lead with its effect, so what the rep sees never steps back in between.
   */
  acked_at: number | null;
}

/** Mutations the server refused for good, kept for the rep to review. */
export interface RejectedTable {
  mutation_id: number;
  name: MutationName;
  args: string;
  code: string;
  message: string;
  at: number;
  dismissed: number;
}

/** Key/value sync state: client id, last issued and acknowledged mutation ids, pull cursor. */
export interface SyncStateTable {
  key: string;
  value: string;
}

export interface LocalDatabase {
  leads: LocalLeadsTable;
  outbox: OutboxTable;
  rejected: RejectedTable;
  sync_state: SyncStateTable;
}

export type StoredTimeline = readonly TimelineEntry[];

/** The local database or a transaction on it: what every store function takes. */
export type LocalExecutor = Kysely<LocalDatabase> | Transaction<LocalDatabase>;
