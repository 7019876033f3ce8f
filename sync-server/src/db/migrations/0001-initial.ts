import { type Kysely, type Migration } from 'kysely';

export const m0001_initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('teams.id'))
      .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('capacity', 'integer', (c) => c.notNull().defaultTo(25))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('receiving_leads', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_team_role')
      .on('users')
      .columns(['team_id', 'role'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    await db.schema
      .createTable('leads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('company', 'text')
      .addColumn('title', 'text')
      .addColumn('country', 'text')
      .addColumn('region', 'text')
      .addColumn('timezone', 'text')
      .addColumn('message', 'text')
      .addColumn('signals', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('tier', 'text', (c) => c.notNull())
      .addColumn('score_reasons', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('team_id', 'text', (c) => c.references('teams.id'))
      .addColumn('routing_rule', 'text')
      .addColumn('assigned_to', 'text', (c) => c.references('users.id'))
      .addColumn('assigned_at', 'bigint')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('first_touch_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // NULL external ids never collide (SQL semantics on both engines), so this only binds real ids.
    await db.schema
      .createIndex('leads_source_external_id')
      .on('leads')
      .columns(['source', 'external_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('leads_assignee_status')
      .on('leads')
      .columns(['assigned_to', 'status'])
      .execute();
    await db.schema
      .createIndex('leads_team_status')
      .on('leads')
      .columns(['team_id', 'status'])
      .execute();
    await db.schema.createIndex('leads_status_id').on('leads').columns(['status', 'id']).execute();

    await db.schema
      .createTable('lead_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lead_events_lead')
      .on('lead_events')
      .columns(['lead_id', 'id'])
      .execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('api_key_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('lead_id', 'text', (c) => c.notNull().references('leads.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['api_key_id', 'key'])
      .execute();

    await db.schema
      .createTable('routing_ledger')
      .addColumn('team_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('pass', 'double precision', (c) => c.notNull())
      .addColumn('assigned_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('routing_ledger_pk', ['team_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('routing_clock')
      .addColumn('team_id', 'text', (c) => c.primaryKey())
      .addColumn('virtual_time', 'double precision', (c) => c.notNull())
      .execute();
  },
};
