import type { Insertable, Selectable, Updateable } from 'kysely';
import { prepareQuery } from '../db/prepared';
import type { AwayPeriodsTable } from '../db/schema';
import type { Db } from './db-types';

/* Away periods and the two transitions each one goes through (start, end). */

export type AwayPeriodRow = Selectable<AwayPeriodsTable>;

export async function insertAwayPeriod(db: Db, row: Insertable<AwayPeriodsTable>): Promise<void> {
  await db.insertInto('away_periods').values(row).execute();
}

export async function updateAwayPeriod(
  db: Db,
  id: string,
  patch: Updateable<AwayPeriodsTable>,
): Promise<void> {
  await db.updateTable('away_periods').set(patch).where('id', '=', id).execute();
}

export function findAwayPeriod(db: Db, id: string): Promise<AwayPeriodRow | undefined> {
  return db.selectFrom('away_periods').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The user's period that is still to come or under way at `now` (not called off, not ended, not
 * yet over): the one `PUT .../away` changes. At most one, as every write goes through it.
 */
export function findCurrentAwayPeriod(
  db: Db,
  userId: string,
  now: number,
): Promise<AwayPeriodRow | undefined> {
  return db
    .selectFrom('away_periods')
    .selectAll()
    .where('user_id', '=', userId)
    .where('ends_at', '>', now)
    .where('cancelled_at', 'is', null)
    .where('ended_at', 'is', null)
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
}

/** The user's latest period, whatever became of it. */
export function findLatestAwayPeriod(db: Db, userId: string): Promise<AwayPeriodRow | undefined> {
  return db
    .selectFrom('away_periods')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

const awayNowQuery = prepareQuery((db, p: { userId: string; now: number }) =>
  db
    .selectFrom('away_periods')
    .select('id')
    .where('user_id', '=', p.userId)
    .where('ends_at', '>', p.now)
    .where('starts_at', '<=', p.now)
    .where('cancelled_at', 'is', null)
    .limit(1),
);

/** Whether the user is away at `now` (by the period's times, whether or not its start ran). */
export async function isAwayAt(db: Db, userId: string, now: number): Promise<boolean> {
  return (await awayNowQuery.first(db, { userId, now })) !== undefined;
}

/** Periods whose start is due at `now` and has not run. */
export function dueAwayStarts(db: Db, now: number, limit: number): Promise<AwayPeriodRow[]> {
  return db
    .selectFrom('away_periods')
    .selectAll()
    .where('started_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('starts_at', '<=', now)
    .orderBy('starts_at')
    .limit(limit)
    .execute();
}

/** Started periods whose end is due at `now` and has not run. */
export function dueAwayEnds(db: Db, now: number, limit: number): Promise<AwayPeriodRow[]> {
  return db
    .selectFrom('away_periods')
    .selectAll()
    .where('started_at', 'is not', null)
    .where('ended_at', 'is', null)
    .where('ends_at', '<=', now)
    .orderBy('ends_at')
    .limit(limit)
    .execute();
}

/** The earliest start or end still to run, epoch ms, or null. */
export async function nextAwayTransition(db: Db): Promise<number | null> {
  const start = await db
    .selectFrom('away_periods')
    .select('starts_at')
    .where('started_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  const end = await db
    .selectFrom('away_periods')
    .select('ends_at')
    .where('started_at', 'is not', null)
    .where('ended_at', 'is', null)
    .orderBy('ends_at')
    .limit(1)
    .executeTakeFirst();
  const times = [start?.starts_at, end?.ends_at].filter((t) => t !== undefined).map(Number);
  return times.length === 0 ? null : Math.min(...times);
}

/** Marks the start as run; false when it already ran or the period was called off. */
export async function markAwayStarted(
  db: Db,
  id: string,
  now: number,
  result: string,
): Promise<boolean> {
  const res = await db
    .updateTable('away_periods')
    .set({ started_at: now, start_result: result, updated_at: now })
    .where('id', '=', id)
    .where('started_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks the end as run; false when it already ran (or the start never did). */
export async function markAwayEnded(
  db: Db,
  id: string,
  now: number,
  result: string,
): Promise<boolean> {
  const res = await db
    .updateTable('away_periods')
    .set({ ended_at: now, end_result: result, updated_at: now })
    .where('id', '=', id)
    .where('started_at', 'is not', null)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
