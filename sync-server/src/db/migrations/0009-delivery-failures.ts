import { type Kysely, type Migration } from 'kysely';

/** Failed deliveries per source and time: their hourly cap is checked on every failure. */
export const m0009_delivery_failures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('source_deliveries_failures')
      .on('source_deliveries')
      .columns(['source_id', 'status', 'received_at'])
      .execute();
  },
};
