import { DEFAULT_RETRY_LADDER, maxAttempts, type RetryLadder } from '../cadence';
import {
  type CallingHours,
  type CallingWindow,
  callingWindow,
  type TimeZoneOptions,
  type TimeZoneSource,
} from '../calling-hours';
import type { Lead, LeadTier } from '../lead';

/*
 * The rep's queue: one ordering, and for every row a one-line reason the rep can trust.
 *
 * Sections, top to bottom (a row is in exactly one):
 *
 *   offered              claim mode: a new lead offered to the whole team, nobody's yet; the
 *                        first rep to claim it gets it, so it is on top; by value like `new`
 *   callback_due         a callback the lead asked for is due: a promise, so it comes first;
 *                        most overdue first
 *   new                  untouched leads, by value = tier x score x contact odds (see below)
 *   retry_due            touched leads whose next attempt on the retry ladder is due; hot before
 *                        warm before cold, then the longest due first
 *   upcoming             callbacks and retries not due yet, soonest first
 *   later_outside_hours  leads that would be due but are outside their local calling hours;
 *                        soonest callable first, then as their own section would order them
 *   exhausted            the ladder is used up (all attempts made, no callback); hot first
 *
 * Only leads with status `assigned` or `working` are in the queue; the others (`unassigned`,
 * `won`, `closed`, `nurture`) are left out: the app lists them under their status, not here.
 *
 * Deterministic: the result depends only on the leads (server timestamps) and `now`, never on the
 * machine's clock. Ties are broken by receivedAt, then id. Times on rows are epoch ms, like `now`.
 *
 * Time decay of untouched leads. Contact odds fall fast, then slowly:
 *   - MIT / InsideSales.com Lead Response Management study (2007): calling within 5 minutes
 *     instead of 30 makes contact ~100x and qualification ~21x more likely; within the first
 *     hour contact odds fall more than 10x.
 *   - HBR 2011, "The Short Life of Online Sales Leads": firms answering within an hour were ~7x as
 *     likely to qualify the lead as those answering in the next hour, and over 60x as likely as
 *     those waiting 24 h or more.
 * Model: the odds halve every 15 min during the first hour (16x down at 60 min), then every 6 h
 * (about 6x between the first and the second hour, about 60x between the first hour and a day).
 *
 * Value = tier weight x 2^(score / 100) x odds(age). Tier weights: hot 6, warm 2, cold 1. So:
 *   - at the same age (and hot scores above cold, as tiers come from scores) hot > warm > cold;
 *   - a fresh lead beats a hotter one that has waited long enough for the odds to eat the tier
 *     gap: in the first hour a warm lead outranks a hot one received ~24 min (log2 3 half-lives)
 *     earlier at equal score, ~28 min with scores 80 vs 50; a cold lead one received ~39 min
 *     earlier.
 *   - once both are past the first hour, decay is slow and the tier wins again.
 * The value is kept as a logarithm, so leads days old still order exactly (no underflow).
 */

export type PriorityInput = Pick<
  Lead,
  | 'id'
  | 'name'
  | 'company'
  | 'tier'
  | 'score'
  | 'status'
  | 'receivedAt'
  | 'firstTouchAt'
  | 'attempts'
  | 'lastAttemptAt'
  | 'lastDisposition'
  | 'callbackAt'
  | 'timezone'
  | 'country'
  | 'phone'
  | 'signals'
  | 'lastInquiryAt'
> & {
  /** Narrows the calling hours when `callingHoursByPlace` has the region. */
  readonly region?: string | null;
  /** Set while the lead is offered to the team in claim mode (it is nobody's yet). */
  readonly offer?: Lead['offer'];
};

export const QUEUE_SECTIONS = [
  'offered',
  'callback_due',
  'new',
  'retry_due',
  'upcoming',
  'later_outside_hours',
  'exhausted',
] as const;
export type QueueSection = (typeof QUEUE_SECTIONS)[number];

/**
 * One row of the queue. The rows orderQueue returns compute most fields when read (the reason
 * line among them): spread or structured-clone them and those are missing, so copy one into
 * plain data with `plainRow` first (JSON.stringify does that by itself).
 */
export interface QueueRow {
  readonly id: string;
  readonly section: QueueSection;
  /** 1-based position in the queue. */
  readonly rank: number;
  /** One line, e.g. "Hot · demo request · 2 min old · SLA in 3:00". */
  readonly reason: string;
  readonly tier: LeadTier;
  /**
   * When the lead is (or was) due, epoch ms: the callback time, the retry's time on the ladder,
   * or receivedAt for an untouched lead.
   */
  readonly dueAt: number;
  /** Untouched leads: receivedAt + the tier's first-touch target, epoch ms. */
  readonly slaDeadlineAt: number | null;
  /** False when the lead's local time is outside calling hours (true when unknown). */
  readonly callableNow: boolean;
  /** `later_outside_hours`: when the calling window opens, epoch ms and ISO 8601 UTC. */
  readonly nextCallableAt: number | null;
  readonly nextCallableIso: string | null;
  /** `later_outside_hours`: the opening as lead-local "HH:MM". */
  readonly callableAtLocal: string | null;
  /** The zone the lead's local time was read in, and where it came from. */
  readonly timeZone: string | null;
  readonly timeZoneSource: TimeZoneSource | null;
  /** The lead's wall time at `now`, "HH:MM", when the zone is known. */
  readonly localTime: string | null;
}

export interface QueueOrder {
  readonly rows: readonly QueueRow[];
  /**
   * The next time (epoch ms) a row changes section: a callback or retry falls due, a calling
   * window opens or closes, a callback's grace ends. Null when nothing is scheduled. Inside
   * `new` the order can still shift slowly (leads passing their first hour) and the reasons'
   * clocks move, so a screen re-orders on its timer too; this is for waking up when idle.
   */
  readonly nextChangeAt: number | null;
}

export interface PriorityOptions {
  /** First-touch targets per tier, ms. Default hot 5 min, warm 30 min, cold 4 h. */
  readonly slaTargetsMs?: Partial<Readonly<Record<LeadTier, number>>>;
  /** Relative value per tier. Default hot 6, warm 2, cold 1. */
  readonly tierWeights?: Partial<Readonly<Record<LeadTier, number>>>;
  /** Contact odds halve this often during a lead's first hour. Default 15 min. */
  readonly firstHourHalfLifeMs?: number;
  /** ... and this often after it. Default 6 h. */
  readonly laterHalfLifeMs?: number;
  /** Default 08:00-21:00 lead-local, weekends included. */
  readonly callingHours?: Partial<CallingHours>;
  /**
   * Calling hours per place, keyed "CC" or "CC-REGION" (the playbook's byPlace): a lead's
   * region, else its country (else its phone's), else `callingHours`. Keep the same object
   * between calls: leads remember their place per object.
   */
  readonly callingHoursByPlace?: Readonly<Record<string, CallingHours>>;
  readonly retryLadder?: RetryLadder;
  /**
   * A callback is a time the lead asked for, so it is honoured outside calling hours for this
   * long after it (default 60 min); after that it waits for their calling hours like any call.
   */
  readonly callbackGraceMs?: number;
  /** Zone for leads that tell none (e.g. the team's). Default none: such leads are callable. */
  readonly defaultTimeZone?: string | null;
  /** Overrides of the country -> zone table. */
  readonly countryTimeZones?: Readonly<Record<string, string>>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FIRST_HOUR = HOUR;

export const DEFAULT_SLA_TARGETS_MS: Readonly<Record<LeadTier, number>> = {
  hot: 5 * MINUTE,
  warm: 30 * MINUTE,
  cold: 4 * HOUR,
};

export const DEFAULT_TIER_WEIGHTS: Readonly<Record<LeadTier, number>> = {
  hot: 6,
  warm: 2,
  cold: 1,
};

export type TierRank = 0 | 1 | 2;
export const TIER_RANK: Readonly<Record<LeadTier, TierRank>> = { hot: 0, warm: 1, cold: 2 };

/** Options with defaults applied, checked once per call. */
export interface Settings {
  readonly sla: Readonly<Record<LeadTier, number>>;
  /** ln(tier weight), by tier rank (hot 0, warm 1, cold 2). */
  readonly logWeight: readonly [number, number, number];
  /** Natural-log decay per ms, in and after the first hour. */
  readonly early: number;
  readonly late: number;
  readonly window: CallingWindow;
  /** Parsed windows of `callingHoursByPlace` (null: none given). */
  readonly places: ReadonlyMap<string, CallingWindow> | null;
  readonly placesKey: object | null;
  readonly ladder: RetryLadder;
  readonly maxAttempts: number;
  readonly callbackGraceMs: number;
  readonly zones: TimeZoneOptions;
}

export function settings(options: PriorityOptions): Settings {
  const sla = { ...DEFAULT_SLA_TARGETS_MS, ...options.slaTargetsMs };
  const weights = { ...DEFAULT_TIER_WEIGHTS, ...options.tierWeights };
  for (const tier of ['hot', 'warm', 'cold'] as const) {
    if (!(sla[tier] > 0)) throw new RangeError(`priority: slaTargetsMs.${tier} must be > 0`);
    if (!(weights[tier] > 0)) throw new RangeError(`priority: tierWeights.${tier} must be > 0`);
  }
  const early = options.firstHourHalfLifeMs ?? 15 * MINUTE;
  const late = options.laterHalfLifeMs ?? 6 * HOUR;
  if (!(early > 0 && late > 0)) throw new RangeError('priority: half-lives must be > 0');
  const grace = options.callbackGraceMs ?? HOUR;
  if (!(grace >= 0)) throw new RangeError('priority: callbackGraceMs must be >= 0');
  const ladder = options.retryLadder ?? DEFAULT_RETRY_LADDER;
  return {
    sla,
    logWeight: [Math.log(weights.hot), Math.log(weights.warm), Math.log(weights.cold)],
    early: Math.LN2 / early,
    late: Math.LN2 / late,
    window: callingWindow(options.callingHours),
    places: placeWindows(options.callingHoursByPlace),
    placesKey: options.callingHoursByPlace ?? null,
    ladder,
    maxAttempts: maxAttempts(ladder),
    callbackGraceMs: grace,
    zones: {
      defaultTimeZone: options.defaultTimeZone ?? null,
      ...(options.countryTimeZones ? { countryTimeZones: options.countryTimeZones } : {}),
    },
  };
}

const parsedPlaces = new WeakMap<object, ReadonlyMap<string, CallingWindow>>();

function placeWindows(
  byPlace: Readonly<Record<string, CallingHours>> | undefined,
): ReadonlyMap<string, CallingWindow> | null {
  if (!byPlace) return null;
  let parsed = parsedPlaces.get(byPlace);
  if (!parsed) {
    parsed = new Map(Object.entries(byPlace).map(([k, h]) => [k, callingWindow(h)]));
    parsedPlaces.set(byPlace, parsed);
  }
  return parsed;
}

/** How much of a fresh lead's contact odds remain after `ageMs` (1 at 0, 1/16 at one hour). */
export function contactOdds(ageMs: number, options: PriorityOptions = {}): number {
  const s = settings(options);
  return Math.exp(-logDecay(ageMs, s.early, s.late));
}

/** ln(1 / contactOdds(age)): the value's decay as a logarithm, so old leads still order. */
export function logDecay(age: number, early: number, late: number): number {
  if (!(age > 0)) return 0; // receivedAt a little ahead of `now` (clock skew): fresh
  if (age <= FIRST_HOUR) return age * early;
  return FIRST_HOUR * early + (age - FIRST_HOUR) * late;
}

// Sections as numbers (their index in QUEUE_SECTIONS, which is also their order in the queue):
// the ordering works on numbers, rows turn them back into names when read.
export const OFFERED = 0;
export const CALLBACK_DUE = 1;
export const NEW_SECTION = 2;
export const RETRY_DUE = 3;
export const UPCOMING = 4;
export const LATER = 5;
export const EXHAUSTED = 6;
export const SECTION_COUNT = 7;

/** What a row is about; also the order inside `later_outside_hours`. */
export type Kind = 0 | 1 | 2;
export const CALLBACK = 0;
export const NEW = 1;
export const RETRY = 2;
