import { type Kysely, type Migration, sql } from 'kysely';
import { emailKey, phoneKey } from '../../../src/shared/contact-identity';
import type { EscalationStep } from './sla-ladder';

/** An SLA step, or a callback falling due (its rep is alerted). */
export type DeadlineKind = EscalationStep | 'callback_due';

/*
 * The lifecycle's own tables: deadlines that must survive a restart. Registered in
 * db/migrations.ts (0005_lifecycle) and in the Database interface (db/schema.ts).
 */

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

/**
 * Repeat inquiries: who the person is (email and phone keys, indexed), how many times they asked
 * and when last. Existing leads get their keys computed here, once.
 */
export const m0006_repeat_inquiries: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('leads').addColumn('email_key', 'text').execute();
    await db.schema.alterTable('leads').addColumn('phone_key', 'text').execute();
    await db.schema
      .alterTable('leads')
      .addColumn('inquiries', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('leads').addColumn('last_inquiry_at', 'bigint').execute();
    await sql`update leads set last_inquiry_at = received_at`.execute(db);
    const rows = await sql<{ id: string; email: string | null; phone: string | null }>`
      select id, email, phone from leads where email is not null or phone is not null
    `.execute(db);
    for (const row of rows.rows) {
      await sql`update leads set email_key = ${emailKey(row.email)}, phone_key = ${phoneKey(row.phone)}
        where id = ${row.id}`.execute(db);
    }
    await db.schema
      .createIndex('leads_email_key')
      .on('leads')
      .columns(['email_key', 'last_inquiry_at'])
      .execute();
    await db.schema
      .createIndex('leads_phone_key')
      .on('leads')
      .columns(['phone_key', 'last_inquiry_at'])
      .execute();
  },
};
