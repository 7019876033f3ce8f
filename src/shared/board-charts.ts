import { z } from 'zod';

/*
 * The board's charts (`GET /api/v1/teams/:id/board/charts?days=14`): today's speed-to-lead
 * distribution and SLA breaches by hour, and the daily median and p90 of speed-to-lead over the
 * last days. Computed by the server from SQLite on request with the live board's definitions
 * (docs/metrics.md), not pushed: a board fetches them when it opens and again when a delta moves
 * `firstTouches` or `slaBreaches` (the only figures they are made of).
 *
 * Non-strict objects, as in board-protocol.ts: a newer server may add fields.
 *
 *   const charts = parseBoardCharts(await response.json());
 *   if (charts) drawHistogram(charts.today.speedToLeadMs);
 */

export const CHART_DAYS = { min: 1, max: 31, default: 14 } as const;

const count = z.number().int().nonnegative();
const ms = z.number().int().nonnegative();

export const ChartDaySchema = z.object({
  /** The team's calendar day, "YYYY-MM-DD". */
  day: z.string(),
  firstTouches: count,
  /** Nearest-rank median and 90th percentile of speed-to-lead that day, ms; null with none. */
  speedToLeadP50Ms: ms.nullable(),
  speedToLeadP90Ms: ms.nullable(),
  slaBreaches: count,
});
export type ChartDay = z.infer<typeof ChartDaySchema>;

export const BoardChartsSchema = z.object({
  /** The IANA zone whose calendar days (and hours) these are. */
  zone: z.string(),
  today: z.object({
    day: z.string(),
    /** Every first touch's speed-to-lead today, ms, ascending (the histogram's samples). */
    speedToLeadMs: z.array(ms),
    /** Breaches today per hour of the team's clock, index 0 = 00:00-00:59. */
    breachesByHour: z.array(count).length(24),
  }),
  /** One entry per day, oldest first, today last. */
  daily: z.array(ChartDaySchema),
});
export type BoardCharts = z.infer<typeof BoardChartsSchema>;

/** The charts in a response body, or null when it is not one. */
export function parseBoardCharts(value: unknown): BoardCharts | null {
  const result = BoardChartsSchema.safeParse(value);
  return result.success ? result.data : null;
}

/** `boardChartsPath(teamId, 14)` -> `/api/v1/teams/<id>/board/charts?days=14`. */
export function boardChartsPath(teamId: string, days: number = CHART_DAYS.default): string {
  return `/api/v1/teams/${encodeURIComponent(teamId)}/board/charts?days=${days}`;
}
