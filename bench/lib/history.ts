import BetterSqlite3 from 'better-sqlite3';
import { uuidv7 } from '../../src/shared/ids';

/*
 * A server database with history in it, written straight into SQLite: a year of leads takes
 * seconds this way, where posting them through intake would take an hour. The rows are the ones
 * the server writes for a lead that was received, assigned to a rep and called once (the same
 * columns, events, sync log rows, deadlines and outcome as intake, the router and a logged
 * outcome leave behind), so the server that starts on this file sees ordinary data: closed
 * leads in its history, and open ones ("working": called once, a next try scheduled) on its
 * board and in reps' queues.
 *
 * The database must already be migrated (start the server on it once), with the team and reps
 * created through the API.
 *
 *   seedHistory(file, { closed: 90_000, open: 10_000, teamId, repIds, now: Date.now() });
 */

export interface HistoryPlan {
  /** Leads that were worked and closed (won or not). */
  readonly closed: number;
  /** Leads still open: called once, the next try scheduled. */
  readonly open: number;
  readonly teamId: string;
  readonly repIds: readonly string[];
  readonly now: number;
  /** How far back closed leads go (default 365 days). Open ones are from the last 14 days. */
  readonly days?: number;
  /**
   * Of the open leads, the share never touched (default 0): assigned, no call yet, their SLA
   * steps all run long ago (a backlog nobody works, as after a holiday).
   */
  readonly untouchedShare?: number;
  /** How long before now the newest closed lead was received (default 0 days). */
  readonly closedUntilDaysAgo?: number;
}

export interface HistoryCounts {
  readonly leads: number;
  readonly events: number;
  readonly outcomes: number;
  readonly deadlines: number;
  readonly changes: number;
  readonly seconds: number;
}

const DAY = 86_400_000;
const MINUTE = 60_000;
/** Rows per transaction: large enough to amortise the commit, small enough to bound the WAL. */
const BATCH = 20_000;

export function seedHistory(file: string, plan: HistoryPlan): HistoryCounts {
  const started = Date.now();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a bench fixture: rebuilt if the machine dies mid-seed
  // One statement for every lead: what differs between a worked and an untouched one is bound.
  const insertLead = db.prepare(`insert into leads (id, source, external_id, name, email, phone,
      company, title, country, region, timezone, message, signals, fields, score, tier,
      score_reasons, status, team_id, routing_rule, assigned_to, assigned_at, received_at,
      first_touch_at, created_at, updated_at, seen_at, attempts, last_attempt_at,
      last_disposition, callback_at, email_key, phone_key, inquiries, last_inquiry_at,
      next_attempt_at, close_reason, offered_at, offer_expires_at)
    values (@id, 'web_form', null, @name, @email, null, 'Acme Corp', 'VP Sales', 'US', 'CA',
      'America/Los_Angeles', null, '[{"type":"demo_request"}]', '{}', 80, 'hot', '[]', @status,
      @teamId, null, @repId, @receivedAt, @receivedAt, @touchedAt, @receivedAt, @updatedAt,
      @seenAt, @attempts, @touchedAt, @disposition, null, @email, null, 1, @receivedAt,
      @nextAttemptAt, @closeReason, null, null)`);
  const insertEvent = db.prepare(`insert into lead_events (id, lead_id, type, at, actor_id, data)
    values (?, ?, ?, ?, ?, ?)`);
  const insertOutcome = db.prepare(`insert into outcomes (id, lead_id, user_id, disposition,
      note, callback_at, occurred_at, client_occurred_at, recorded_at, reason_code)
    values (?, ?, ?, ?, null, null, ?, ?, ?, null)`);
  const insertDeadline = db.prepare(`insert into lead_deadlines (id, lead_id, kind, user_id,
      due_at, done_at, result) values (?, ?, ?, ?, ?, ?, ?)`);
  const insertChange = db.prepare(`insert into lead_changes (lead_id, user_id, kind, reason, at)
    values (?, ?, 'upsert', null, ?)`);

  const days = plan.days ?? 365;
  const total = plan.closed + plan.open;
  const counts = { leads: 0, events: 0, outcomes: 0, deadlines: 0, changes: 0 };

  /** What intake and the router leave: the lead received and assigned, its SLA steps, the sync row. */
  const writeArrival = (
    id: string,
    repId: string,
    receivedAt: number,
    steps: (kind: string, dueAt: number) => readonly [doneAt: number, result: string],
  ): void => {
    insertEvent.run(
      uuidv7(),
      id,
      'received',
      receivedAt,
      null,
      JSON.stringify({ source: 'web_form', score: 80, tier: 'hot', team: plan.teamId }),
    );
    insertEvent.run(
      uuidv7(),
      id,
      'assigned',
      receivedAt,
      null,
      JSON.stringify({ to: repId, reason: 'history', rule: null, eligible: [], skipped: [] }),
    );
    for (const [kind, after] of [
      ['remind_rep', 3 * MINUTE],
      ['alert_lead', 5 * MINUTE],
      ['reassign', 10 * MINUTE],
    ] as const) {
      const [doneAt, result] = steps(kind, receivedAt + after);
      insertDeadline.run(uuidv7(), id, kind, repId, receivedAt + after, doneAt, result);
    }
    insertChange.run(id, repId, receivedAt);
    counts.leads += 1;
    counts.events += 2;
    counts.deadlines += 3;
    counts.changes += 1;
  };

  const writeOne = (n: number): void => {
    const open = n >= plan.closed;
    // Every 1/share-th open lead is untouched (spread evenly, so each rep holds some).
    const share = plan.untouchedShare ?? 0;
    const untouched =
      open &&
      share > 0 &&
      Math.floor((n - plan.closed + 1) * share) > Math.floor((n - plan.closed) * share);
    const end = open ? plan.now : plan.now - (plan.closedUntilDaysAgo ?? 0) * DAY;
    const span = open ? 14 * DAY : (days - (plan.closedUntilDaysAgo ?? 0)) * DAY;
    // Spread evenly, oldest first, so the rowid order is roughly time order as in a real file.
    const index = open ? n - plan.closed : n;
    const count = open ? plan.open : plan.closed;
    const receivedAt = Math.floor(end - span + (span * (index + 0.5)) / count) - 10 * MINUTE;
    const repId = plan.repIds[n % plan.repIds.length] ?? '';
    const id = uuidv7();
    const lead = { id, name: `History Lead ${n}`, email: `history${n}@acme-history.example` };
    if (untouched) {
      // Never called; its SLA steps all ran long ago (a backlog nobody works).
      insertLead.run({
        ...lead,
        status: 'assigned',
        teamId: plan.teamId,
        repId,
        receivedAt,
        touchedAt: null,
        updatedAt: receivedAt,
        seenAt: null,
        attempts: 0,
        disposition: null,
        nextAttemptAt: null,
        closeReason: null,
      });
      const ran: Record<string, string> = {
        remind_rep: 'reminded the rep',
        alert_lead: 'told the team lead',
        reassign: 'no other rep is eligible',
      };
      writeArrival(id, repId, receivedAt, (kind, dueAt) => [dueAt, ran[kind] ?? 'ran']);
      return;
    }
    const touchedAt = receivedAt + 3 * MINUTE;
    const disposition = open ? 'no_answer' : n % 5 === 0 ? 'qualified' : 'not_interested';
    insertLead.run({
      ...lead,
      status: open ? 'working' : n % 5 === 0 ? 'won' : 'closed',
      teamId: plan.teamId,
      repId,
      receivedAt,
      touchedAt,
      updatedAt: touchedAt,
      seenAt: receivedAt,
      attempts: 1,
      disposition,
      nextAttemptAt: open ? plan.now + (n % 48) * 30 * MINUTE : null,
      closeReason: open || n % 5 === 0 ? null : 'not_interested',
    });
    writeArrival(id, repId, receivedAt, () => [touchedAt, 'skipped: touched']);
    const outcomeId = uuidv7();
    insertEvent.run(
      uuidv7(),
      id,
      'outcome',
      touchedAt,
      repId,
      JSON.stringify({ outcomeId, disposition }),
    );
    insertOutcome.run(
      outcomeId,
      id,
      repId,
      disposition,
      touchedAt,
      new Date(touchedAt).toISOString(),
      touchedAt,
    );
    insertChange.run(id, repId, touchedAt);
    counts.events += 1;
    counts.outcomes += 1;
    counts.changes += 1;
  };
  const batch = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) writeOne(n);
  });
  for (let from = 0; from < total; from += BATCH) batch(from, Math.min(total, from + BATCH));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ...counts, seconds: (Date.now() - started) / 1000 };
}
