import { type Kysely, type Migration } from 'kysely';

/**
 * Deadlines by lead and kind. The first-touch deadline of a lead is read on every board update
 * and at start for every open lead; with only `(lead_id)` and `(kind, done_at)` to choose from,
 * SQLite took the second for `lead_id = ? and kind = ?` (two equalities beat one), scanning every
 * `alert_lead` deadline ever written for each lead: the board's cost per event and the restart
 * grew with the leads stored (issue 13). Three equality columns make the plan the obvious one.
 */
export const m0012_deadlines_by_lead_kind: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('lead_deadlines_lead_kind')
      .on('lead_deadlines')
      .columns(['lead_id', 'kind', 'done_at'])
      .execute();
    // Its prefix serves every read by lead alone.
    await db.schema.dropIndex('lead_deadlines_lead').execute();
  },
};
