import type { OutcomesTable } from '../db/schema';
import type { Db } from './db-types';

/**
 * Inserts an outcome once: its id comes from the client, so a second insert with the same id
 * (a client that reused an id across mutations) changes nothing. Returns whether it was new.
 */
export async function insertOutcome(db: Db, outcome: OutcomesTable): Promise<boolean> {
  const result = await db
    .insertInto('outcomes')
    .values(outcome)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
