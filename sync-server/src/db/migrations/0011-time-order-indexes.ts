import { type Kysely, type Migration } from 'kysely';

/**
 * "Newest first" lists are ordered by their time column, the id only breaking ties (ids never
 * carry a chosen time, so they are not the order): the leads lists by status and the deliveries
 * of a source walk these instead of sorting.
 */
export const m0011_time_order_indexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('leads_status_created')
      .on('leads')
      .columns(['status', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('source_deliveries_source_received')
      .on('source_deliveries')
      .columns(['source_id', 'received_at', 'id'])
      .execute();
  },
};
