import type { LeadSourceRow, LeadSourcesTable } from '../db/schema';
import type { Db } from './db-types';

export async function insertSource(db: Db, row: LeadSourcesTable): Promise<void> {
  await db.insertInto('lead_sources').values(row).execute();
}

export function findSourceById(db: Db, id: string): Promise<LeadSourceRow | undefined> {
  return db.selectFrom('lead_sources').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Names are unique regardless of case: "Google Ads" and "google ads" would confuse everyone. */
export function findSourceByName(db: Db, name: string): Promise<LeadSourceRow | undefined> {
  return db
    .selectFrom('lead_sources')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
}

export function listSources(db: Db): Promise<LeadSourceRow[]> {
  return db.selectFrom('lead_sources').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function updateSource(
  db: Db,
  id: string,
  patch: Partial<
    Pick<
      LeadSourcesTable,
      'mapping' | 'secret_hash' | 'secret_sealed' | 'secret_rotated_at' | 'disabled_at'
    >
  > & { updated_at: number },
): Promise<void> {
  await db.updateTable('lead_sources').set(patch).where('id', '=', id).execute();
}
