import { type Kysely, type Migration, sql } from 'kysely';

/*
 * Claim mode and away periods (docs/lifecycle.md, "Claim mode and away periods"): their tables, their row types are in
 * db/schema.ts.
 *
 * Both keep their own schedule in their rows (an offer's expiry, a period's start and end), and
 * each transition is marked in the transaction that carries it out, so a restart neither loses one
 * (it is still due) nor repeats one (it is marked).
 */

export const m0008_claim_and_away: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('teams')
      .addColumn('assignment', 'text', (c) => c.notNull().defaultTo('fair'))
      .execute();
    await db.schema.alterTable('leads').addColumn('offered_at', 'bigint').execute();
    await db.schema.alterTable('leads').addColumn('offer_expires_at', 'bigint').execute();
    // The scheduler reads "the earliest offer to expire": only leads on offer are indexed.
    await db.schema
      .createIndex('leads_offer_expires')
      .on('leads')
      .column('offer_expires_at')
      .where(sql.ref('offer_expires_at'), 'is not', null)
      .execute();

    await db.schema
      .createTable('lead_offers')
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('offered_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      // A lead offered again later (after waiting for an eligible rep) is a new row per rep.
      .addPrimaryKeyConstraint('lead_offers_pk', ['lead_id', 'user_id', 'offered_at'])
      .execute();
    // A rep's open offers: their snapshot, their read access, withdrawing them when they go away.
    // Not a partial index: queries bind the status as a parameter, which a partial index's
    // literal condition cannot match.
    await db.schema
      .createIndex('lead_offers_user_status')
      .on('lead_offers')
      .columns(['user_id', 'status', 'lead_id'])
      .execute();

    await db.schema
      .createTable('away_periods')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('start_result', 'text')
      .addColumn('ended_at', 'bigint')
      .addColumn('end_result', 'text')
      .addColumn('cancelled_at', 'bigint')
      .execute();
    // Routing asks "is this rep away now?" for every candidate of every lead.
    await db.schema
      .createIndex('away_periods_user_ends')
      .on('away_periods')
      .columns(['user_id', 'ends_at'])
      .execute();
    // The scheduler's two questions: which starts and which ends are still to run.
    await db.schema
      .createIndex('away_periods_pending_start')
      .on('away_periods')
      .column('starts_at')
      .where(sql<boolean>`started_at is null and cancelled_at is null`)
      .execute();
    await db.schema
      .createIndex('away_periods_pending_end')
      .on('away_periods')
      .column('ends_at')
      .where(sql<boolean>`started_at is not null and ended_at is null`)
      .execute();
  },
};
