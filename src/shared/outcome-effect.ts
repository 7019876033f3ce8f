import { maxAttempts } from './cadence';
import { cachedPhoneCountry, leadTimeZone } from './calling-hours';
import { DISPOSITION_INFO, type Disposition } from './dispositions';
import type { Lead, LeadStatus } from './lead';
import { scheduleNextAttempt } from './next-attempt';
import { callingWindowFor, LADDER_END_REASON, leadPlace, type Playbook } from './playbook';

/*
 * What logging an outcome does to a lead: its next status, the next step scheduled and why.
 * One function for the server (which applies it) and the client core (which shows it at once,
 * offline too, and tells the rep what was scheduled), so both say the same thing.
 *
 *   outcomeEffect(lead, { disposition: 'no_answer', at }, playbook)
 *   // { status: 'working', next: { kind: 'retry', at, attempt: 2, of: 6, ... }, ... }
 */

export type NextStep =
  /** Another attempt on the retry ladder, inside the lead's calling hours. */
  | {
      readonly kind: 'retry';
      readonly at: number;
      /** The ladder's own time, before it was moved into calling hours. */
      readonly ladderAt: number;
      readonly movedIntoHours: boolean;
      /** The attempt it will be, and how many the ladder allows. */
      readonly attempt: number;
      readonly of: number;
      /** The lead's zone (null: not known, calling hours could not apply). */
      readonly zone: string | null;
    }
  | { readonly kind: 'callback'; readonly at: number }
  /** The ladder's last attempt reached nobody: the lead leaves the queue. */
  | {
      readonly kind: 'ladder_end';
      readonly status: 'nurture' | 'closed';
      readonly attempts: number;
    }
  | { readonly kind: 'won' }
  | { readonly kind: 'closed'; readonly reason: string | null }
  | { readonly kind: 'nurture'; readonly reason: string | null };

export interface OutcomeEffect {
  readonly status: LeadStatus;
  readonly callbackAt: number | null;
  /** When the next attempt is due (retries and callbacks); null once the lead left the queue. */
  readonly nextAttemptAt: number | null;
  /** Why the lead left the queue (a reason code), or null. */
  readonly closeReason: string | null;
  readonly next: NextStep;
}

export interface OutcomeInput {
  readonly disposition: Disposition;
  /** When the call happened, epoch ms (the server's bounded time). */
  readonly at: number;
  readonly callbackAt?: number | null;
  readonly reasonCode?: string | null;
}

export type EffectLead = Pick<
  Lead,
  'attempts' | 'timezone' | 'phone' | 'country' | 'region' | 'status'
>;

export function outcomeEffect(
  lead: EffectLead,
  input: OutcomeInput,
  playbook: Playbook,
): OutcomeEffect {
  const attempts = lead.attempts + 1;
  const effect = DISPOSITION_INFO[input.disposition].effect;
  const callbackAt = input.callbackAt ?? null;
  const reason = input.reasonCode ?? null;
  // A callback the rep set with any outcome that keeps the lead is the next step.
  if ((effect === 'retry' || effect === 'callback') && callbackAt !== null) {
    return {
      status: 'working',
      callbackAt,
      nextAttemptAt: callbackAt,
      closeReason: null,
      next: { kind: 'callback', at: callbackAt },
    };
  }
  switch (effect) {
    case 'callback':
    case 'retry': {
      const zone = leadTimeZone(lead)?.zone ?? null;
      const phoneCountry = lead.phone ? cachedPhoneCountry(lead.phone) : null;
      const place = leadPlace(lead, phoneCountry);
      const { window } = callingWindowFor(playbook.callingHours, place.country, place.region);
      const next = scheduleNextAttempt({
        attempts,
        lastAttemptAt: input.at,
        zone,
        ladder: playbook.retryLadder,
        window,
      });
      if (!next) {
        const status = playbook.whenLadderEnds;
        return {
          status,
          callbackAt: null,
          nextAttemptAt: null,
          closeReason: LADDER_END_REASON.code,
          next: { kind: 'ladder_end', status, attempts },
        };
      }
      return {
        status: 'working',
        callbackAt: null,
        nextAttemptAt: next.at,
        closeReason: null,
        next: {
          kind: 'retry',
          at: next.at,
          ladderAt: next.ladderAt,
          movedIntoHours: next.movedIntoHours,
          attempt: attempts + 1,
          of: maxAttempts(playbook.retryLadder),
          zone,
        },
      };
    }
    case 'won':
      return won();
    case 'closed':
      return left('closed', reason);
    case 'nurture':
      return left('nurture', reason);
  }
}

const won = (): OutcomeEffect => ({
  status: 'won',
  callbackAt: null,
  nextAttemptAt: null,
  closeReason: null,
  next: { kind: 'won' },
});

const left = (status: 'closed' | 'nurture', reason: string | null): OutcomeEffect => ({
  status,
  callbackAt: null,
  nextAttemptAt: null,
  closeReason: reason,
  next: { kind: status, reason },
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * What the app says after the rep logged an outcome: "Next try (2 of 6) in 10 min, 14:20 their
 * time", "Back to marketing: Just researching". `now` is the clock when it is shown.
 */
export function nextStepText(step: NextStep, now: number, playbook: Playbook): string {
  switch (step.kind) {
    case 'retry': {
      const clock = step.zone ? ` · ${zoneClockText(step.zone, step.at)} their time` : '';
      const moved = step.movedIntoHours ? ', when their calling hours open' : '';
      return `Next try (${step.attempt} of ${step.of}) ${inText(step.at - now)}${clock}${moved}`;
    }
    case 'callback':
      return `Callback ${inText(step.at - now)}`;
    case 'ladder_end':
      return step.status === 'nurture'
        ? `All ${step.attempts} attempts made: back to marketing (never reached)`
        : `All ${step.attempts} attempts made: closed (never reached)`;
    case 'won':
      return 'Won: out of the queue';
    case 'closed':
      return `Closed${reasonText(playbook, 'closed', step.reason)}`;
    case 'nurture':
      return `Back to marketing${reasonText(playbook, 'nurture', step.reason)}`;
  }
}

function reasonText(playbook: Playbook, effect: 'closed' | 'nurture', code: string | null): string {
  if (code === null) return '';
  for (const d of playbook.dispositions) {
    if (DISPOSITION_INFO[d.key].effect !== effect) continue;
    const found = d.reasons.find((r) => r.code === code);
    if (found) return `: ${found.label}`;
  }
  return `: ${code}`;
}

function inText(ms: number): string {
  if (ms <= MINUTE) return 'now';
  if (ms < HOUR) return `in ${Math.round(ms / MINUTE)} min`;
  if (ms < 24 * HOUR) {
    const h = Math.floor(ms / HOUR);
    const m = Math.round((ms - h * HOUR) / MINUTE);
    return m === 0 || h >= 6 ? `in ${h} h` : `in ${h} h ${m} min`;
  }
  return `in ${Math.round(ms / (24 * HOUR))} d`;
}

function zoneClockText(zone: string, at: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}
