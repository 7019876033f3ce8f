import { DEFAULT_RETRY_LADDER, nextAttemptAt, type RetryLadder } from './cadence';
import { callableState, callingWindow, type CallingWindow } from './calling-window';

/*
 * When the next call of a lead is scheduled after an attempt that reached nobody: the retry
 * ladder's time, moved forward to the opening of the lead's calling window when it falls
 * outside it. One function for the server (which stores it on the lead and says it on the
 * timeline) and the app (which says it the moment the rep logs the outcome).
 *
 *   scheduleNextAttempt({ attempts: 1, lastAttemptAt, zone: 'America/Chicago' })
 *   // { at: ..., ladderAt: ..., movedIntoHours: false } or null when the ladder is used up
 */

export interface NextAttemptInput {
  /** Attempts made, the one just logged included. */
  readonly attempts: number;
  /** When the last attempt happened, epoch ms. */
  readonly lastAttemptAt: number;
  /** The lead's zone; null when it cannot be told (then calling hours cannot apply). */
  readonly zone: string | null;
  readonly ladder?: RetryLadder;
  readonly window?: CallingWindow;
}

export interface NextAttempt {
  /** When to call next, epoch ms: inside the calling window when the zone is known. */
  readonly at: number;
  /** The ladder's own time, before calling hours. */
  readonly ladderAt: number;
  readonly movedIntoHours: boolean;
}

const DEFAULT_WINDOW = callingWindow();

export function scheduleNextAttempt(input: NextAttemptInput): NextAttempt | null {
  const ladderAt = nextAttemptAt(
    input.attempts,
    input.lastAttemptAt,
    input.zone,
    input.ladder ?? DEFAULT_RETRY_LADDER,
  );
  if (ladderAt === null) return null;
  if (input.zone === null) return { at: ladderAt, ladderAt, movedIntoHours: false };
  const state = callableState(input.zone, ladderAt, input.window ?? DEFAULT_WINDOW);
  if (state === null || state.callableNow) return { at: ladderAt, ladderAt, movedIntoHours: false };
  return { at: state.nextCallableAt, ladderAt, movedIntoHours: true };
}
