import { type Kysely, type Migration } from 'kysely';

/** Every intake looks up the default (oldest) team: an index spares SQLite a sort each time. */
export const m0002_teams_created_index: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('teams_created')
      .on('teams')
      .columns(['created_at', 'id'])
      .execute();
  },
};
