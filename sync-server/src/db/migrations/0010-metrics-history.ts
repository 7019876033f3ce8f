import type { Kysely, Migration } from 'kysely';

/*
 * Indexes for reading the board's figures by day (history.ts: the charts, the daily report; and
 * the board's rebuild at start, which reads the last two days). Without them each read scans
 * every outcome and every deadline ever recorded: a large team's year is 600k outcomes, and a
 * board asks for its charts after every first touch.
 */
export const m0010_metrics_history: Migration = {
  async up(db: Kysely<unknown>) {
    // Outcomes by the time their call happened: the day an outcome belongs to.
    await db.schema.createIndex('outcomes_occurred').on('outcomes').column('occurred_at').execute();
    // Steps that ran, by kind and time: breaches are `alert_lead` steps by the day they ran.
    await db.schema
      .createIndex('lead_deadlines_kind_done')
      .on('lead_deadlines')
      .columns(['kind', 'done_at'])
      .execute();
  },
};
