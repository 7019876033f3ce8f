import { DEFAULT_RETRY_LADDER, type RetryLadder, validateRetryLadder } from './cadence';
import {
  type CallingHours,
  type CallingWindow,
  callingWindow,
  DEFAULT_CALLING_HOURS,
} from './calling-window';
import { DISPOSITION_INFO, DISPOSITIONS, type Disposition } from './dispositions';
import type { Lead } from './lead';
import type { PriorityOptions } from './priority';

/*
 * The team's calling playbook: what each outcome is called and asks for, the retry ladder, what
 * happens when it is used up, and the calling hours per country or region. The server's
 * configuration (lifecycle.cadence, lifecycle.callingHours) makes it; clients fetch it
 * (GET /api/v1/playbook) and keep it, so the app says what an outcome schedules the moment the
 * rep logs it, offline too, and orders its queue by the same rules the server applies.
 *
 * The disposition keys and their effects are fixed (dispositions.ts: the code relies on them);
 * their labels, which are offered, and their reason codes are the playbook's.
 */

export interface ReasonCode {
  /** snake_case, stored with the outcome and reported to marketing. */
  readonly code: string;
  readonly label: string;
}

export interface PlaybookDisposition {
  readonly key: Disposition;
  readonly label: string;
  /** The digit the app shows for it (its place among the offered outcomes). */
  readonly shortcut: string;
  /** Why the lead left the queue (closed, back to nurture); empty when none is asked. */
  readonly reasons: readonly ReasonCode[];
  /** A reason must be picked to log it. */
  readonly reasonRequired: boolean;
}

export interface Playbook {
  /** The offered outcomes, in shortcut order. */
  readonly dispositions: readonly PlaybookDisposition[];
  readonly retryLadder: RetryLadder;
  /** Where a lead goes after the ladder's last attempt reached nobody. */
  readonly whenLadderEnds: 'nurture' | 'closed';
  readonly callingHours: {
    readonly default: CallingHours;
    /** Keyed by ISO country ("DE") or country and region ("US-CA"); the narrower wins. */
    readonly byPlace: Readonly<Record<string, CallingHours>>;
  };
}

/** The reason recorded when the ladder ran out (a lead nobody reached). */
export const LADDER_END_REASON: ReasonCode = { code: 'unreached', label: 'Never reached' };

const DEFAULT_REASONS: Readonly<Partial<Record<Disposition, readonly ReasonCode[]>>> = {
  not_interested: [
    { code: 'no_need', label: 'No need' },
    { code: 'price', label: 'Too expensive' },
    { code: 'competitor', label: 'Chose a competitor' },
    { code: 'timing', label: 'Not now' },
    { code: 'other', label: 'Other' },
  ],
  bad_number: [
    { code: 'wrong_person', label: 'Wrong person' },
    { code: 'disconnected', label: 'Not in service' },
    { code: 'fake', label: 'Fake details' },
  ],
  not_sales_ready: [
    { code: 'researching', label: 'Just researching' },
    { code: 'no_budget', label: 'No budget yet' },
    { code: 'too_small', label: 'Too small for us' },
    { code: 'student', label: 'Student or job seeker' },
    { code: 'not_decision_maker', label: 'Not the decision maker' },
  ],
};

/** Reasons are asked for outcomes that end the lead's time in the queue without a win. */
const DEFAULT_REASON_REQUIRED: ReadonlySet<Disposition> = new Set([
  'not_interested',
  'not_sales_ready',
]);

/** Per-outcome changes the server's configuration may make. */
export interface DispositionOverride {
  readonly label?: string;
  readonly offered?: boolean;
  readonly reasons?: readonly ReasonCode[];
  readonly reasonRequired?: boolean;
}

export interface PlaybookOptions {
  readonly dispositions?: Readonly<Partial<Record<Disposition, DispositionOverride>>>;
  readonly retryLadder?: RetryLadder;
  readonly whenLadderEnds?: 'nurture' | 'closed';
  readonly callingHours?: Partial<CallingHours> & {
    readonly byPlace?: Readonly<Record<string, Partial<CallingHours>>>;
  };
}

/** A playbook from overrides of the defaults; throws a RangeError naming what is wrong. */
export function makePlaybook(options: PlaybookOptions = {}): Playbook {
  const offered = DISPOSITIONS.filter((key) => options.dispositions?.[key]?.offered !== false);
  if (offered.length === 0) throw new RangeError('dispositions: at least one must be offered');
  if (offered.length > 9) throw new RangeError('dispositions: at most 9 can be offered');
  const dispositions = offered.map((key, i): PlaybookDisposition => {
    const o = options.dispositions?.[key] ?? {};
    const reasons = o.reasons ?? DEFAULT_REASONS[key] ?? [];
    const reasonRequired = o.reasonRequired ?? DEFAULT_REASON_REQUIRED.has(key);
    if (reasonRequired && reasons.length === 0) {
      throw new RangeError(`dispositions.${key}: a reason is required but none is listed`);
    }
    return {
      key,
      label: o.label ?? DISPOSITION_INFO[key].label,
      shortcut: String(i + 1),
      reasons,
      reasonRequired,
    };
  });
  const retryLadder = options.retryLadder ?? DEFAULT_RETRY_LADDER;
  validateRetryLadder(retryLadder);
  const { byPlace = {}, ...base } = options.callingHours ?? {};
  const defaultHours = hoursOf(base, 'callingHours');
  const places: Record<string, CallingHours> = {};
  for (const [place, hours] of Object.entries(byPlace)) {
    if (!PLACE_KEY.test(place)) {
      throw new RangeError(`callingHours.byPlace: "${place}" is not "CC" or "CC-REGION"`);
    }
    places[place] = hoursOf({ ...defaultHours, ...hours }, `callingHours.byPlace.${place}`);
  }
  return {
    dispositions,
    retryLadder,
    whenLadderEnds: options.whenLadderEnds ?? 'nurture',
    callingHours: { default: defaultHours, byPlace: places },
  };
}

function hoursOf(hours: Partial<CallingHours>, path: string): CallingHours {
  const full: CallingHours = {
    start: hours.start ?? DEFAULT_CALLING_HOURS.start,
    end: hours.end ?? DEFAULT_CALLING_HOURS.end,
    weekends: hours.weekends ?? DEFAULT_CALLING_HOURS.weekends,
  };
  try {
    callingWindow(full);
  } catch (error) {
    throw new RangeError(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return full;
}

export const DEFAULT_PLAYBOOK: Playbook = makePlaybook();

/** "US", "DE", or a region inside one: "US-CA", "CA-QC", "AU-NSW". */
export const PLACE_KEY = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

// --- which calling hours apply to a lead ----------------------------------------------------

const windows = new WeakMap<Playbook['callingHours'], Map<string, CallingWindow>>();

/**
 * The calling window for a lead in `country` (its own country, else its phone's) and `region`:
 * the region's hours, else the country's, else the default. `key` names the place chosen.
 */
export function callingWindowFor(
  hours: Playbook['callingHours'],
  country: string | null,
  region: string | null,
): { readonly key: string; readonly window: CallingWindow } {
  let parsed = windows.get(hours);
  if (!parsed) {
    parsed = new Map([['', callingWindow(hours.default)]]);
    for (const [place, h] of Object.entries(hours.byPlace)) parsed.set(place, callingWindow(h));
    windows.set(hours, parsed);
  }
  const cc = country?.toUpperCase() ?? null;
  const candidates = cc === null ? [] : region ? [`${cc}-${region.toUpperCase()}`, cc] : [cc];
  for (const key of candidates) {
    const window = parsed.get(key);
    if (window) return { key, window };
  }
  return { key: '', window: parsed.get('') ?? callingWindow(hours.default) };
}

/** The lead's place for its calling hours: its country (else its phone's) and region. */
export function leadPlace(
  lead: Pick<Lead, 'country' | 'region'>,
  phoneCountry: string | null,
): { country: string | null; region: string | null } {
  return { country: lead.country ?? phoneCountry, region: lead.country ? lead.region : null };
}

/** The offered outcome `key`, or undefined when the playbook does not offer it. */
export function playbookDisposition(
  playbook: Playbook,
  key: Disposition,
): PlaybookDisposition | undefined {
  return playbook.dispositions.find((d) => d.key === key);
}

/**
 * Why an outcome cannot be logged as given, or null when it can: not offered, a reason missing
 * or not in the list. The server rejects such an outcome; the app asks before sending it.
 */
export function outcomeProblem(
  playbook: Playbook,
  key: Disposition,
  reasonCode: string | undefined,
): string | null {
  const d = playbookDisposition(playbook, key);
  if (!d) return `"${key}" is not an outcome this team logs`;
  if (reasonCode === undefined) {
    return d.reasonRequired ? `"${d.label}" needs a reason` : null;
  }
  return d.reasons.some((r) => r.code === reasonCode)
    ? null
    : `"${reasonCode}" is not a reason for "${d.label}"`;
}

/**
 * The queue's ordering options by the playbook (retry ladder, calling hours): the rep's app and
 * the team lead's view of a rep's queue order by the same. One object per call: keep it while
 * the playbook stays (priority.ts remembers work per options' ladder and places).
 */
export function playbookPriorityOptions(playbook: Playbook): PriorityOptions {
  return {
    retryLadder: playbook.retryLadder,
    callingHours: playbook.callingHours.default,
    callingHoursByPlace: playbook.callingHours.byPlace,
  };
}
