import { type Kysely, type Migration } from 'kysely';

/** The sync protocol: call outcomes, client installs and their mutations, the pull change log. */
export const m0003_sync: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('leads').addColumn('seen_at', 'bigint').execute();
    await db.schema
      .alterTable('leads')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('leads').addColumn('last_attempt_at', 'bigint').execute();
    await db.schema.alterTable('leads').addColumn('last_disposition', 'text').execute();
    await db.schema.alterTable('leads').addColumn('callback_at', 'bigint').execute();

    await db.schema
      .createTable('sync_clients')
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('last_mutation_id', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_push_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sync_mutations')
      .addColumn('client_id', 'text', (c) => c.notNull().references('sync_clients.client_id'))
      .addColumn('mutation_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('client_occurred_at', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_mutations_pk', ['client_id', 'mutation_id'])
      .execute();

    await db.schema
      .createTable('outcomes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('disposition', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('callback_at', 'bigint')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('client_occurred_at', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outcomes_lead')
      .on('outcomes')
      .columns(['lead_id', 'recorded_at'])
      .execute();

    // A first sync pages through a rep's leads by id.
    await db.schema
      .createIndex('leads_assignee_id')
      .on('leads')
      .columns(['assigned_to', 'id'])
      .execute();

    // `integer primary key autoincrement` on SQLite; a later PostgreSQL dialect uses a sequence.
    await db.schema
      .createTable('lead_changes')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lead_changes_user_seq')
      .on('lead_changes')
      .columns(['user_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('lead_changes_lead_user')
      .on('lead_changes')
      .columns(['lead_id', 'user_id'])
      .execute();
  },
};
