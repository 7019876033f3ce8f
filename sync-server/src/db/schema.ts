import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Disposition } from '../../../src/shared/dispositions';
import type { TeamAssignment } from '../../../src/shared/user';

/*
 * Table types for the sync-server database. Portable across SQLite and PostgreSQL:
 * timestamps are epoch milliseconds (bigint), booleans are 0/1 integers, JSON is text.
 */

export interface TeamsTable {
  id: string;
  name: string;
  created_at: number;
  /** How new leads find a rep: fair routing, or offered to all ("first to claim"). */
  assignment: Generated<TeamAssignment>;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  password_hash: string;
  role: 'rep' | 'lead' | 'admin';
  team_id: string | null;
  weight: number;
  capacity: number;
  active: number;
  receiving_leads: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  created_by: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface LeadsTable {
  id: string;
  source: string;
  external_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  title: string | null;
  country: string | null;
  region: string | null;
  timezone: string | null;
  message: string | null;
  /** JSON: LeadSignal[] */
  signals: string;
  /** JSON: Record<string, string> */
  fields: string;
  score: number;
  tier: 'hot' | 'warm' | 'cold';
  /** JSON: ScoreReason[] */
  score_reasons: string;
  status: 'unassigned' | 'assigned' | 'working' | 'won' | 'closed' | 'nurture';
  team_id: string | null;
  /** Name of the routing rule that chose the team; its rep filter applies when the lead waits. */
  routing_rule: string | null;
  assigned_to: string | null;
  assigned_at: number | null;
  received_at: number;
  first_touch_at: number | null;
  seen_at: number | null;
  attempts: number;
  last_attempt_at: number | null;
  last_disposition: Disposition | null;
  callback_at: number | null;
  created_at: number;
  updated_at: number;
  /** Who the person is, for repeat inquiries (src/shared/contact-identity.ts). */
  email_key: string | null;
  phone_key: string | null;
  /** Inquiries this lead holds (1 + repeats). */
  inquiries: number;
  /** The latest inquiry, epoch ms (received_at for the first). */
  last_inquiry_at: number;
  /** When the next attempt is due (retry ladder or callback); null once it left the queue. */
  next_attempt_at: number | null;
  /** Why it left the queue (a playbook reason code), if it did without a win. */
  close_reason: string | null;
  /** Claim mode: when the lead was offered (null when it is not on offer), and when it expires. */
  offered_at: number | null;
  offer_expires_at: number | null;
}

export interface LeadEventsTable {
  id: string;
  lead_id: string;
  /** received | nurtured | queued | assigned | ... */
  type: string;
  at: number;
  actor_id: string | null;
  /** JSON object with the event's particulars (e.g. the routing reason). */
  data: string;
}

export interface IdempotencyKeysTable {
  api_key_id: string;
  key: string;
  lead_id: string;
  created_at: number;
}

/**
 * The persistent fairness ledger (start-time fair queuing). Each rep's `pass` advances by
 * 1/weight per lead; the team's `virtual_time` is the start tag of its latest assignment.
 */
export interface RoutingLedgerTable {
  team_id: string;
  user_id: string;
  pass: number;
  assigned_count: number;
}

export interface RoutingClockTable {
  team_id: string;
  virtual_time: number;
}

/** A client install of a user (sync protocol): the last mutation id applied for it. */
export interface SyncClientsTable {
  client_id: string;
  user_id: string;
  last_mutation_id: number;
  created_at: number;
  last_push_at: number;
}

/** Every mutation a client pushed and what became of it (applied or rejected, with why). */
export interface SyncMutationsTable {
  client_id: string;
  mutation_id: number;
  user_id: string;
  name: string;
  /** JSON of the mutation's args. */
  args: string;
  status: 'applied' | 'rejected';
  error_code: string | null;
  error_message: string | null;
  /** The client's clock, as sent. */
  client_occurred_at: string;
  applied_at: number;
}

/** Call outcomes: insert-only, keyed by the id the client generated. */
export interface OutcomesTable {
  id: string;
  lead_id: string;
  user_id: string;
  disposition: Disposition;
  note: string | null;
  callback_at: number | null;
  /** The client's time bounded to [lead received, server now]. */
  occurred_at: number;
  /** The client's clock, as sent. */
  client_occurred_at: string;
  recorded_at: number;
  /** Why (closed, back to nurture): a reason code of the playbook. */
  reason_code: string | null;
}

/**
 * The change log pulls read: one row per change to what a user sees, in commit order. `kind`
 * upsert: send the lead as it is now; revoke: the lead left this user.
 */
export interface LeadChangesTable {
  seq: Generated<number>;
  lead_id: string;
  user_id: string;
  kind: 'upsert' | 'revoke';
  reason: string | null;
  at: number;
}

/** A configured lead source (issue 5): where webhooks come from and how they map to leads. */
export interface LeadSourcesTable {
  id: string;
  kind: 'google_ads' | 'typeform' | 'webhook';
  /** Unique; also the `source` of every lead it delivers. */
  name: string;
  /** JSON: the kind's mapping settings as the admin gave them (defaults apply at use). */
  mapping: string;
  /** SHA-256 of the secret: compared for Google keys and generic bearer secrets. */
  secret_hash: string;
  /** AES-256-GCM sealed secret (`v1.<key id>.<base64>`) for HMAC kinds; null for google_ads. */
  secret_sealed: string | null;
  secret_rotated_at: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

/** Every delivery a source's webhook received and what became of it. */
export interface SourceDeliveriesTable {
  id: string;
  source_id: string;
  status: 'accepted' | 'duplicate' | 'test' | 'rejected_verification' | 'invalid';
  reason: string | null;
  /** The sender's id for the delivery (Google lead_id, Typeform event_id, Idempotency-Key). */
  delivery_id: string | null;
  lead_id: string | null;
  /** JSON: the mapped lead of a test delivery, the issues of an invalid one. Never the secret. */
  detail: string | null;
  remote_address: string | null;
  received_at: number;
}

/** Kept by triggers on `leads` (migration 0013): a rep's leads with status `assigned`. */
export interface RepUntouchedTable {
  user_id: string;
  n: number;
}

/** A step of the SLA escalation ladder (lifecycle/sla-ladder.ts). */
export type EscalationStep = 'remind_rep' | 'alert_lead' | 'reassign';

/** An SLA step, or a callback falling due (its rep is alerted). */
export type DeadlineKind = EscalationStep | 'callback_due';

/**
 * A step that falls due at `due_at` for `user_id`'s hold of a lead. `done_at` is set in the same
 * transaction as the step's effect, so a restart neither loses a step (it is still due) nor
 * repeats one (it is done).
 */
export interface LeadDeadlinesTable {
  id: string;
  lead_id: string;
  kind: DeadlineKind;
  /** The rep whose hold of the lead the step is about; a reassignment ends their steps. */
  user_id: string;
  due_at: number;
  done_at: number | null;
  /** What running it did: 'reminded', 'alerted 2 team leads', 'reassigned to ...', 'skipped: ...'. */
  result: string | null;
}

/** What became of one rep's offer of a lead. */
export type OfferStatus =
  /** Waiting for a claim. */
  | 'open'
  /** This rep claimed the lead. */
  | 'claimed'
  /** Another rep claimed it first. */
  | 'lost'
  /** Nobody claimed it in time; it went to fair routing. */
  | 'expired'
  /** Taken back: the rep went away, or a team lead gave the lead to someone. */
  | 'withdrawn';

/**
 * One row per rep a lead was offered to. The lead itself carries the offer's times
 * (`leads.offered_at`, `leads.offer_expires_at`); these rows say who may see and claim it.
 */
export interface LeadOffersTable {
  lead_id: string;
  user_id: string;
  offered_at: number;
  status: OfferStatus;
  ended_at: number | null;
}

/** A rep's away period: no leads and no offers while `starts_at <= now < ends_at`. */
export interface AwayPeriodsTable {
  id: string;
  user_id: string;
  starts_at: number;
  ends_at: number;
  reason: string | null;
  /** Null when set from the admin CLI. */
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** The start ran (the rep's leads were handed on), in the same transaction; null until then. */
  started_at: number | null;
  start_result: string | null;
  /** The end ran (the rep's fairness was levelled, waiting leads handed out); null until then. */
  ended_at: number | null;
  end_result: string | null;
  /** Called off before it started: neither transition runs. */
  cancelled_at: number | null;
}

export interface Database {
  teams: TeamsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  leads: LeadsTable;
  lead_events: LeadEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  routing_ledger: RoutingLedgerTable;
  routing_clock: RoutingClockTable;
  sync_clients: SyncClientsTable;
  sync_mutations: SyncMutationsTable;
  outcomes: OutcomesTable;
  lead_changes: LeadChangesTable;
  lead_sources: LeadSourcesTable;
  source_deliveries: SourceDeliveriesTable;
  lead_deadlines: LeadDeadlinesTable;
  lead_offers: LeadOffersTable;
  rep_untouched: RepUntouchedTable;
  away_periods: AwayPeriodsTable;
}

export type TeamRow = Selectable<TeamsTable>;
export type NewTeamRow = Insertable<TeamsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type LeadRow = Selectable<LeadsTable>;
export type NewLeadRow = Insertable<LeadsTable>;
export type LeadEventRow = Selectable<LeadEventsTable>;
export type SyncClientRow = Selectable<SyncClientsTable>;
export type LeadChangeRow = Selectable<LeadChangesTable>;
export type LeadSourceRow = Selectable<LeadSourcesTable>;
export type SourceDeliveryRow = Selectable<SourceDeliveriesTable>;
