import { type Kysely, type Migration } from 'kysely';

/**
 * Lead sources (Google Ads, Typeform, generic webhooks) and every delivery they received. A
 * source's HMAC secret is stored sealed (AES-256-GCM, server key outside the database), its
 * comparison-only secret as a SHA-256 hash: never in plain text.
 */
export const m0004_lead_sources: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('lead_sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('mapping', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text')
      .addColumn('secret_rotated_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .execute();

    await db.schema
      .createTable('source_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull().references('lead_sources.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('delivery_id', 'text')
      .addColumn('lead_id', 'text', (c) => c.references('leads.id'))
      .addColumn('detail', 'text')
      .addColumn('remote_address', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    // The admin's listing (newest first, by source) and the repeat check on every delivery.
    await db.schema
      .createIndex('source_deliveries_source_id')
      .on('source_deliveries')
      .columns(['source_id', 'id'])
      .execute();
    await db.schema
      .createIndex('source_deliveries_source_delivery')
      .on('source_deliveries')
      .columns(['source_id', 'delivery_id'])
      .execute();
  },
};
