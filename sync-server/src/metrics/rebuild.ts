import { BoardState } from './board-state';
import { boardConfig, LiveMetrics, type LiveMetricsConfig } from './live-metrics';
import type { MetricsLead, MetricsOutcome } from './metrics-events';

/*
 * The board's state at server start, from plain rows (the SQL that reads them lives with the
 * server's wiring): the same bookkeeping the events do, fed the end state instead of the
 * history. Pure over its arrays; equal to the incremental state over the same history (the
 * property test in test/unit/live-metrics.test.ts holds it to that).
 *
 *   const metrics = rebuildFromRows(await readMetricsRows(db, clock()), clock(), config);
 */

export interface MetricsRows {
  /**
   * Every lead with a team in status unassigned, assigned, working or nurture, with the due
   * time of its current hold's `alert_lead` deadline: lead_deadlines where kind = 'alert_lead'
   * and user_id = assigned_to, **whether or not the step has run** (a breached lead that is
   * still untouched stays at risk, as it does incrementally), the latest such row when the
   * lead came back to a rep who held it before; null when none. Touched leads need none.
   * `metricsLead(row, slaDueAt)` maps a leads row.
   */
  readonly leads: readonly MetricsLead[];
  /**
   * Outcomes whose `occurred_at` may be today for its team: a superset is fine (e.g. the last
   * 48 h), each is counted only if it falls in its team's day. `firstTouch`: it is the lead's
   * first recorded outcome (earliest `recorded_at`, then id).
   */
  readonly outcomes: readonly MetricsOutcomeRow[];
  /**
   * `alert_lead` steps that ran and were not skipped (lead_deadlines where kind = 'alert_lead',
   * done_at set, result not like 'skipped%'), `at` = done_at; a superset is fine.
   */
  readonly breaches: readonly MetricsBreachRow[];
  /** Every rep of a team (role rep, active), with their presence facts now. */
  readonly reps: readonly MetricsRepRow[];
}

export interface MetricsOutcomeRow extends MetricsOutcome {
  readonly leadId: string;
  /** The lead's team. */
  readonly teamId: string;
  readonly receivedAt: number;
}

export interface MetricsBreachRow {
  readonly leadId: string;
  readonly teamId: string;
  readonly repId: string;
  readonly at: number;
}

export interface MetricsRepRow {
  readonly repId: string;
  readonly teamId: string;
  /** At start nobody is: sockets do not survive a restart. */
  readonly connected: boolean;
  readonly receivingLeads: boolean;
  readonly away: boolean;
  /** When this presence began, epoch ms, if known (else `now`). */
  readonly since?: number;
}

/** A LiveMetrics holding the state the rows describe, at `now`, with nothing left to send. */
export function rebuildFromRows(
  rows: MetricsRows,
  now: number,
  config: LiveMetricsConfig,
): LiveMetrics {
  const state = new BoardState(boardConfig(config), now);
  for (const rep of rows.reps) {
    state.setPresence(
      rep.repId,
      rep.teamId,
      { connected: rep.connected, receivingLeads: rep.receivingLeads, away: rep.away },
      rep.since ?? now,
    );
  }
  for (const lead of rows.leads) state.setLead(lead);
  for (const outcome of rows.outcomes) state.countOutcome(outcome, outcome);
  for (const breach of rows.breaches) state.countBreach(breach.teamId, breach.repId, breach.at);
  return new LiveMetrics(config, now, state);
}
