import { localToUtc, utcOffsetMinutes } from './zone-time';

/*
 * The retry ladder: when to try a lead again after an attempt that did not reach anyone. Early
 * retries are minutes apart because contact odds fall fastest in the first hour (see
 * priority.ts); later ones move to a morning in the lead's own time, and the ladder stops after
 * six attempts (Velocify: 93% of converted leads were reached by the 6th call).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type RetryStep =
  /** A fixed delay after the last attempt. */
  | { readonly kind: 'after'; readonly ms: number }
  /** `days` lead-local days after the last attempt's day, at the lead-local wall time `at` ("HH:MM"). */
  | { readonly kind: 'local'; readonly days: number; readonly at: string };

/** Step i is the wait after attempt i + 1; there are `steps.length + 1` attempts in all. */
export interface RetryLadder {
  readonly steps: readonly RetryStep[];
}

/** +10 min, +1 h, +4 h, next day 10:00, two days later 10:00: six attempts. */
export const DEFAULT_RETRY_LADDER: RetryLadder = {
  steps: [
    { kind: 'after', ms: 10 * MINUTE },
    { kind: 'after', ms: HOUR },
    { kind: 'after', ms: 4 * HOUR },
    { kind: 'local', days: 1, at: '10:00' },
    { kind: 'local', days: 2, at: '10:00' },
  ],
};

/** How many attempts the ladder allows in all. Throws a RangeError for a malformed ladder. */
export function maxAttempts(ladder: RetryLadder = DEFAULT_RETRY_LADDER): number {
  return compile(ladder).length + 1;
}

/**
 * When attempt `attempts + 1` is due (epoch ms), or null when the ladder is used up (or no
 * attempt was made yet: a new lead is due at once and is not the ladder's business).
 * `lastAttemptAt` is the server's time of the last attempt; `zone` the lead's zone for the
 * lead-local steps. Without a zone a lead-local step keeps the last attempt's time of day
 * (whole days later), since no wall time can be read.
 */
export function nextAttemptAt(
  attempts: number,
  lastAttemptAt: number,
  zone: string | null,
  ladder: RetryLadder = DEFAULT_RETRY_LADDER,
): number | null {
  if (attempts < 1) return null;
  const step = compile(ladder)[attempts - 1];
  if (!step) return null;
  if (step.atMinute < 0) return lastAttemptAt + step.ms;
  const offset = zone === null ? null : utcOffsetMinutes(zone, lastAttemptAt);
  if (zone === null || offset === null) return lastAttemptAt + step.days * DAY;
  const localDay = Math.floor((lastAttemptAt + offset * MINUTE) / DAY);
  return (
    localToUtc(zone, (localDay + step.days) * DAY + step.atMinute * MINUTE) ??
    lastAttemptAt + step.days * DAY
  );
}

/** A step with its wall time parsed; `atMinute` is -1 for fixed delays. */
interface CompiledStep {
  readonly ms: number;
  readonly days: number;
  readonly atMinute: number;
}

// Parsed once per ladder object: nextAttemptAt runs for every worked lead a queue holds.
const compiled = new WeakMap<RetryLadder, readonly CompiledStep[]>();

function compile(ladder: RetryLadder): readonly CompiledStep[] {
  let steps = compiled.get(ladder);
  if (!steps) {
    validateRetryLadder(ladder);
    steps = ladder.steps.map((step) =>
      step.kind === 'after'
        ? { ms: step.ms, days: 0, atMinute: -1 }
        : { ms: 0, days: step.days, atMinute: wallMinutes(step.at) },
    );
    compiled.set(ladder, steps);
  }
  return steps;
}

/** "HH:MM" -> minutes after midnight; throws on a malformed ladder (a configuration error). */
function wallMinutes(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new RangeError(`retry ladder: "${text}" is not "HH:MM"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Checks a ladder (e.g. when settings load), so a bad one fails early and by name. */
export function validateRetryLadder(ladder: RetryLadder): void {
  ladder.steps.forEach((step, i) => {
    if (step.kind === 'after') {
      if (!(step.ms > 0)) throw new RangeError(`retry ladder step ${i + 1}: ms must be > 0`);
    } else {
      // At least one day, so the attempt never lands before the one it follows.
      if (!Number.isInteger(step.days) || step.days < 1)
        throw new RangeError(`retry ladder step ${i + 1}: days must be a whole number >= 1`);
      wallMinutes(step.at);
    }
  });
}
