import type { Kysely, Migration } from 'kysely';

/**
 * Cadence: when the next attempt is due (the retry ladder inside calling hours, or the callback)
 * and why a lead left the queue (a reason code from the playbook); outcomes keep their reason.
 */
export const m0007_cadence: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('leads').addColumn('next_attempt_at', 'bigint').execute();
    await db.schema.alterTable('leads').addColumn('close_reason', 'text').execute();
    await db.schema.alterTable('outcomes').addColumn('reason_code', 'text').execute();
  },
};
