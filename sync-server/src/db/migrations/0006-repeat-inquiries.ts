import { type Kysely, type Migration, sql } from 'kysely';
import { emailKey, phoneKey } from '../../../../src/shared/contact-identity';

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
