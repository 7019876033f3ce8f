import { z } from 'zod';

/*
 * Away periods (docs/lifecycle.md, "Claim mode and away periods"): a rep marked away from `from` until `until` receives no
 * leads and no offers; when the period starts their untouched leads go to teammates, and when it
 * ends they rejoin fair routing level with the team.
 */

/** The longest period one request may set: a typo in a year should not bench a rep for ten. */
export const MAX_AWAY_DAYS = 366;
export const MAX_AWAY_REASON_LENGTH = 200;

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

/**
 * The body of `PUT /api/v1/users/:id/away`. `from` defaults to now. Rules that need the server's
 * clock (until after from and after now, at most MAX_AWAY_DAYS) are checked by the server, which
 * names the field too.
 */
export const SetAwaySchema = z.strictObject({
  from: isoDate.optional(),
  until: isoDate,
  reason: z.string().trim().min(1, 'must not be empty').max(MAX_AWAY_REASON_LENGTH).optional(),
});
export type SetAwayInput = z.output<typeof SetAwaySchema>;

/** An away period as the API shows it. Dates are ISO 8601 in UTC. */
export interface AwayPeriod {
  readonly id: string;
  readonly userId: string;
  readonly from: string;
  readonly until: string;
  readonly reason: string | null;
  /** Who set it; null for the admin CLI. */
  readonly createdBy: string | null;
  readonly createdAt: string;
  /** When the server ran its start (leads handed on); null until then. */
  readonly startedAt: string | null;
  /** What the start did, e.g. "moved 3 leads, 0 back to the team queue, kept 2, ...". */
  readonly startResult: string | null;
  /** When the server ran its end (the rep rejoined routing); null until then. */
  readonly endedAt: string | null;
  /** What the end did (the rep's fairness level, waiting leads handed out). */
  readonly endResult: string | null;
  /** Called off before it began. */
  readonly cancelledAt: string | null;
}
