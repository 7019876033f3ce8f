import { MAX_AWAY_DAYS, type AwayPeriod } from '../../../src/shared/away';
import type { FieldIssue } from '../../../src/shared/api-error';
import type { AwayPeriodRow } from '../repos/away-periods';

/* An away period as a value: the rules a period must keep, and its API shape. */

const DAY_MS = 24 * 3600_000;

/** What is wrong with a period from `from` to `until` at `now`, by field. */
export function periodIssues(from: number, until: number, now: number): FieldIssue[] {
  if (until <= from) return [{ field: 'until', message: 'must be after from' }];
  if (until <= now) return [{ field: 'until', message: 'must be in the future' }];
  if (until - from > MAX_AWAY_DAYS * DAY_MS) {
    return [{ field: 'until', message: `must be at most ${MAX_AWAY_DAYS} days after from` }];
  }
  return [];
}

export function toAwayPeriod(row: AwayPeriodRow): AwayPeriod {
  return {
    id: row.id,
    userId: row.user_id,
    from: iso(row.starts_at),
    until: iso(row.ends_at),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    startResult: row.start_result,
    endedAt: isoOrNull(row.ended_at),
    endResult: row.end_result,
    cancelledAt: isoOrNull(row.cancelled_at),
  };
}

export const iso = (ms: number) => new Date(Number(ms)).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
