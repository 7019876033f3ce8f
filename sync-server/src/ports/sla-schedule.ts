import type { LeadRow } from '../db/schema';
import type { Db } from '../repos/db-types';

/**
 * The SLA ladder as the assignment path uses it (lifecycle/escalations.ts implements it): every
 * hand-over of a lead closes the old hold's open steps and stores the new hold's, in the
 * transaction that makes it. A port, so routing calls the ladder without importing the
 * lifecycle, which itself reassigns through routing.
 */
export interface SlaSchedule {
  /** Stores the ladder for `lead` in `userId`'s hands, its clock starting at `startAt`. */
  scheduleFor(
    db: Db,
    lead: Pick<LeadRow, 'id' | 'tier'>,
    userId: string,
    startAt: number,
  ): Promise<unknown>;
  /** Closes the lead's open steps (result `skipped: <why>`): they will not run. */
  cancelFor(db: Db, leadId: string, why: string, now: number): Promise<void>;
  /** Stores the alert of a callback booked for `at`, for `userId`, the lead's new holder. */
  callbackFor(db: Db, leadId: string, userId: string, at: number, now: number): Promise<void>;
  /** A step at `at` was just stored: wake the scheduler for it if it is the earliest. */
  wake(at: number): void;
}
