/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the wait is uniform in [0, min(cap, base * 2^attempt)]. Full jitter spreads the
 * retries of many clients after a server restart instead of having them return in waves.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const SYNC_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/** `random` returns [0, 1); injectable so tests can pin it. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = SYNC_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
