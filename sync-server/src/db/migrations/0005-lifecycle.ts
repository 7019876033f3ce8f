import { type Kysely, type Migration, sql } from 'kysely';

/* The lifecycle's deadlines (lead_deadlines): SLA steps and callback alerts that must survive a restart. */
export const m0005_lifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lead_deadlines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('done_at', 'bigint')
      .addColumn('result', 'text')
      .execute();
    // The scheduler reads "the earliest open deadline": only open ones are indexed.
    await db.schema
      .createIndex('lead_deadlines_open_due')
      .on('lead_deadlines')
      .column('due_at')
      .where(sql.ref('done_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('lead_deadlines_lead')
      .on('lead_deadlines')
      .column('lead_id')
      .execute();
  },
};
