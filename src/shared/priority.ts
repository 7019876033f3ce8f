import { DEFAULT_RETRY_LADDER, maxAttempts, nextAttemptAt, type RetryLadder } from './cadence';
import {
  type CallableState,
  type CallingHours,
  type CallingWindow,
  callableState,
  cachedPhoneCountry,
  callingWindow,
  leadTimeZone,
  type TimeZoneOptions,
  type TimeZoneSource,
} from './calling-hours';
import { DISPOSITION_INFO } from './dispositions';
import { isoMs } from './iso-time';
import type { Lead, LeadTier } from './lead';

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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
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

const TIER_LABEL: Readonly<Record<LeadTier, string>> = { hot: 'Hot', warm: 'Warm', cold: 'Cold' };
type TierRank = 0 | 1 | 2;
const TIER_RANK: Readonly<Record<LeadTier, TierRank>> = { hot: 0, warm: 1, cold: 2 };

/** Strongest first (the default scoring's order): the label names the strongest signal. */
const SIGNAL_LABELS: ReadonlyMap<string, readonly [rank: number, label: string]> = new Map([
  ['demo_request', [0, 'demo request']],
  ['free_trial', [1, 'free trial']],
  ['contact_form', [2, 'contact form']],
  ['pricing_page', [3, 'pricing page']],
  ['webinar', [4, 'webinar']],
  ['whitepaper_download', [5, 'white paper']],
  ['newsletter', [6, 'newsletter']],
]);

/** Options with defaults applied, checked once per call. */
interface Settings {
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

function settings(options: PriorityOptions): Settings {
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

/** The key of the calling hours that apply to a lead ('' for the default). */
function placeKeyOf(lead: PriorityInput, places: ReadonlyMap<string, CallingWindow>): string {
  const country = lead.country ?? (lead.phone ? cachedPhoneCountry(lead.phone) : null);
  if (!country) return '';
  const cc = country.toUpperCase();
  if (lead.country && lead.region) {
    const regional = `${cc}-${lead.region.toUpperCase()}`;
    if (places.has(regional)) return regional;
  }
  return places.has(cc) ? cc : '';
}

/** How much of a fresh lead's contact odds remain after `ageMs` (1 at 0, 1/16 at one hour). */
export function contactOdds(ageMs: number, options: PriorityOptions = {}): number {
  const s = settings(options);
  return Math.exp(-logDecay(ageMs, s.early, s.late));
}

function logDecay(age: number, early: number, late: number): number {
  if (!(age > 0)) return 0; // receivedAt a little ahead of `now` (clock skew): fresh
  if (age <= FIRST_HOUR) return age * early;
  return FIRST_HOUR * early + (age - FIRST_HOUR) * late;
}

/**
 * What a lead contributes that does not depend on `now`: parsed dates, its zone, its place on the
 * retry ladder. Kept per lead object (leads are immutable; a changed lead is a new object), so
 * re-ordering the same queue every second, as the app does while its timers tick, parses nothing.
 */
class Prepared {
  /**
   * The lead's rank in the last ordering that held it: only a hint that lets the sort start from
   * almost-sorted input; the result never depends on it (the comparison is a total order).
   */
  hint = 0;

  constructor(
    readonly lead: PriorityInput,
    readonly queued: boolean,
    /** Offered to the team in claim mode: untouched and nobody's yet. */
    readonly offered: boolean,
    readonly tierRank: TierRank,
    /** ln 2 x score / 100: 100 score points double a lead's value. */
    readonly scoreBonus: number,
    readonly received: number,
    /** The last attempt (or first touch), else receivedAt. */
    readonly lastAttempt: number,
    /** NaN when no callback is pending (none, or an attempt was logged at or after it). */
    readonly callbackAt: number,
    readonly touched: boolean,
    /** Attempts made: at least 1 once touched. */
    readonly attempts: number,
    readonly zone: ZoneSlot | null,
    readonly zoneSource: TimeZoneSource | null,
    /** What the zone and the retry were worked out with, to notice other options. */
    readonly defaultTimeZone: string | null | undefined,
    readonly countryTimeZones: TimeZoneOptions['countryTimeZones'],
    readonly ladder: RetryLadder,
    readonly placesKey: object | null,
    /**
     * When the next attempt is due on `ladder`; NaN when the ladder is used up. A touched lead
     * that asked again after its last attempt is due from that inquiry on.
     */
    readonly retryAt: number,
    /** When a touched lead asked again after its last attempt; NaN when it did not. */
    readonly askedAgainAt: number,
    /** An untouched lead's value decays from its latest inquiry (asking again makes it fresh). */
    readonly freshSince: number,
  ) {}
}

const preparedLeads = new WeakMap<PriorityInput, Prepared>();

function prepare(lead: PriorityInput, s: Settings): Prepared {
  const known = preparedLeads.get(lead);
  if (
    known !== undefined &&
    known.ladder === s.ladder &&
    known.placesKey === s.placesKey &&
    known.defaultTimeZone === s.zones.defaultTimeZone &&
    known.countryTimeZones === s.zones.countryTimeZones
  ) {
    return known;
  }
  const offered = lead.status === 'unassigned' && lead.offer != null;
  const queued = lead.status === 'assigned' || lead.status === 'working' || offered;
  // Unparseable dates (never from the server) must not reach the comparison as NaN.
  const rawReceived = isoMs(lead.receivedAt);
  const received = Number.isNaN(rawReceived) ? 0 : rawReceived;
  const rawLast = isoMs(lead.lastAttemptAt ?? lead.firstTouchAt);
  const lastAttempt = Number.isNaN(rawLast) ? received : rawLast;
  const touched = lead.attempts > 0 || lead.firstTouchAt !== null;
  const attempts = Math.max(lead.attempts, touched ? 1 : 0);
  const rawCallback = isoMs(lead.callbackAt);
  // A callback is pending until an attempt is logged at or after its time.
  const callbackAt = touched && rawLast >= rawCallback ? Number.NaN : rawCallback;
  const resolved = queued ? leadTimeZone(lead, s.zones) : null;
  const zone = resolved?.zone ?? null;
  const ladderRetry =
    touched && queued ? nextAttemptAt(attempts, lastAttempt, zone, s.ladder) : null;
  const inquiry = isoMs(lead.lastInquiryAt ?? null);
  const askedAgainAt = touched && inquiry > lastAttempt ? inquiry : Number.NaN;
  // Asking again after the last call makes the lead due at once, even past the ladder's end.
  const retry = Number.isNaN(askedAgainAt)
    ? ladderRetry
    : Math.min(ladderRetry ?? askedAgainAt, askedAgainAt);
  const freshSince = inquiry > received ? inquiry : received;
  const score = Number.isFinite(lead.score) ? lead.score : 0;
  const prepared = new Prepared(
    lead,
    queued,
    offered,
    TIER_RANK[lead.tier],
    (Math.LN2 * score) / 100,
    received,
    lastAttempt,
    callbackAt,
    touched,
    attempts,
    zone === null ? null : zoneSlot(zone, s.places ? placeKeyOf(lead, s.places) : ''),
    resolved?.source ?? null,
    s.zones.defaultTimeZone,
    s.zones.countryTimeZones,
    s.ladder,
    s.placesKey,
    retry ?? Number.NaN,
    askedAgainAt,
    freshSince,
  );
  preparedLeads.set(lead, prepared);
  return prepared;
}

/**
 * One per zone, shared by its leads: holds the zone's calling state for the current call, so a
 * lead finds it through a field instead of a Map look-up.
 */
class ZoneSlot {
  /** The call `context` belongs to. */
  call = -1;
  context: RowContext | null = null;
  constructor(
    readonly zone: string,
    /** Whose calling hours apply (a callingHoursByPlace key; '' for the default). */
    readonly place: string,
  ) {}
}

const zoneSlots = new Map<string, ZoneSlot>();

/** One slot per zone and calling hours (a zone can hold places with different hours). */
function zoneSlot(zone: string, place: string): ZoneSlot {
  const key = place === '' ? zone : `${zone}|${place}`;
  let slot = zoneSlots.get(key);
  if (!slot) {
    // Bounded; leads prepared earlier keep their slot, which still works.
    if (zoneSlots.size >= 1_000) zoneSlots.clear();
    slot = new ZoneSlot(zone, place);
    zoneSlots.set(key, slot);
  }
  return slot;
}

const OFFERED = 0;
const CALLBACK_DUE = 1;
const NEW_SECTION = 2;
const RETRY_DUE = 3;
const UPCOMING = 4;
const LATER = 5;
const EXHAUSTED = 6;
const SECTION_COUNT = 7;

/** What a row is about; also the order inside `later_outside_hours`. */
type Kind = 0 | 1 | 2;
const CALLBACK = 0;
const NEW = 1;
const RETRY = 2;

// Scratch space for the sort, reused across calls: orderQueue runs to completion before any
// other call can start (JS is single-threaded and it never yields).
let K1 = new Float64Array(0);
let K2 = new Float64Array(0);
let RECEIVED = new Float64Array(0);
let SECTION = new Uint8Array(0);
let HINT = new Int32Array(0);
let ORDER = new Int32Array(0);
let SCRATCH = new Int32Array(0);

function ensureCapacity(n: number): void {
  if (K1.length >= n) return;
  const size = Math.max(n, 1024, K1.length * 2);
  K1 = new Float64Array(size);
  K2 = new Float64Array(size);
  RECEIVED = new Float64Array(size);
  SECTION = new Uint8Array(size);
  HINT = new Int32Array(size);
  ORDER = new Int32Array(size);
  SCRATCH = new Int32Array(size);
}

/** Numbers the calls of orderQueue (for ZoneSlot#call). */
let calls = 0;

/** What every row of one ordering shares. */
interface Call {
  readonly id: number;
  readonly now: number;
  readonly settings: Settings;
}

/** What the rows of one zone share in one ordering (one object per zone, not per row). */
interface RowContext {
  readonly call: Call;
  /** Null when the lead's zone is unknown. */
  readonly state: CallableState | null;
}

/**
 * Orders the rep's queue at `now` (epoch ms, the caller's single clock reading; nothing here
 * reads a clock). See the top of this file for the rules.
 *
 * Lead ids are expected to be unique, and lead objects are not changed in place between calls
 * (they are readonly; a changed lead is a new object): what does not depend on `now` is
 * remembered per lead object.
 */
export function orderQueue(
  leads: readonly PriorityInput[],
  now: number,
  options: PriorityOptions = {},
): QueueOrder {
  const s = settings(options);
  const call: Call = { id: ++calls, now, settings: s };
  const unzoned: RowContext = { call, state: null };
  ensureCapacity(leads.length);
  const rows = new Array<Row>(leads.length); // sized once; trimmed below
  let count = 0;
  let nextChangeAt = Number.POSITIVE_INFINITY;

  for (const lead of leads) {
    const p = prepare(lead, s);
    if (!p.queued) continue;
    // Each zone's calling state is read once per call (Intl is slow).
    const slot = p.zone;
    let context = unzoned;
    if (slot !== null) {
      if (slot.call !== call.id || slot.context === null) {
        const window = (slot.place !== '' && s.places?.get(slot.place)) || s.window;
        slot.context = { call, state: callableState(slot.zone, now, window) };
        slot.call = call.id;
      }
      context = slot.context;
    }
    const state = context.state;
    const callable = state === null || state.callableNow;

    let section: number;
    let kind: Kind;
    let dueAt: number;
    let k1: number;
    let k2 = 0;
    if (!Number.isNaN(p.callbackAt)) {
      kind = CALLBACK;
      dueAt = p.callbackAt;
      k1 = dueAt; // most overdue first
      if (dueAt > now) section = UPCOMING;
      else if (callable) section = CALLBACK_DUE;
      else if (now - dueAt < s.callbackGraceMs) {
        section = CALLBACK_DUE;
        nextChangeAt = Math.min(nextChangeAt, dueAt + s.callbackGraceMs);
      } else section = LATER;
    } else if (!p.touched) {
      kind = NEW;
      dueAt = p.received;
      // Highest value first; the value as a logarithm (see the top of this file).
      k1 = logDecay(now - p.freshSince, s.early, s.late) - s.logWeight[p.tierRank] - p.scoreBonus;
      // An offer is claimed now or lost to a teammate, whatever their local time.
      section = p.offered ? OFFERED : callable ? NEW_SECTION : LATER;
    } else if (Number.isNaN(p.retryAt)) {
      kind = RETRY;
      dueAt = p.lastAttempt;
      k1 = p.tierRank;
      k2 = p.lastAttempt;
      section = EXHAUSTED;
    } else {
      kind = RETRY;
      dueAt = p.retryAt;
      // Hot before warm before cold, then longest due first. Exact: far below 2^53.
      k1 = p.tierRank * 1e13 + dueAt;
      section = dueAt > now ? UPCOMING : callable ? RETRY_DUE : LATER;
    }
    if (section === UPCOMING) {
      k1 = dueAt;
      nextChangeAt = Math.min(nextChangeAt, dueAt);
    } else if (section === LATER && state !== null) {
      // Soonest callable first, then callbacks, new leads, retries, each in their own order.
      k2 = k1;
      k1 = state.nextCallableAt * 4 + kind;
    }
    if (state !== null && section !== UPCOMING && section !== EXHAUSTED) {
      nextChangeAt = Math.min(nextChangeAt, state.changesAt);
    }
    const i = count;
    K1[i] = k1;
    K2[i] = k2;
    RECEIVED[i] = p.received;
    SECTION[i] = section;
    HINT[i] = p.hint;
    rows[count++] = new Row(p, section * 4 + kind, context);
  }

  rows.length = count;
  const ordered = sortRows(rows);
  return { rows: ordered, nextChangeAt: Number.isFinite(nextChangeAt) ? nextChangeAt : null };
}

/**
 * Sections by counting (stable), each section merge-sorted on the typed-array keys. Hand-written
 * because Array.prototype.sort calls a comparator closure per comparison, several times slower
 * than comparing typed-array slots inline. Rows start in the order of the previous ordering
 * (each lead's hint), so when little changed between two calls the merge sort only checks runs.
 */
function sortRows(rows: Row[]): Row[] {
  const n = rows.length;
  // 1. By hint (0 = not seen before: after the others, in input order), by counting.
  let maxHint = 0;
  for (let i = 0; i < n; i++) maxHint = Math.max(maxHint, HINT[i] ?? 0);
  const counts = new Int32Array(maxHint + 2);
  for (let i = 0; i < n; i++) {
    const h = HINT[i] || maxHint + 1;
    counts[h] = (counts[h] ?? 0) + 1;
  }
  for (let h = 1, at = 0; h < counts.length; h++) {
    const c = counts[h] ?? 0;
    counts[h] = at;
    at += c;
  }
  for (let i = 0; i < n; i++) {
    const h = HINT[i] || maxHint + 1;
    const at = counts[h] ?? 0;
    SCRATCH[at] = i;
    counts[h] = at + 1;
  }
  // 2. Into sections, keeping that order.
  const starts = new Int32Array(SECTION_COUNT + 1);
  for (let i = 0; i < n; i++) {
    const sec = (SECTION[i] ?? 0) + 1;
    starts[sec] = (starts[sec] ?? 0) + 1;
  }
  for (let sec = 1; sec <= SECTION_COUNT; sec++) {
    starts[sec] = (starts[sec] ?? 0) + (starts[sec - 1] ?? 0);
  }
  const fill = starts.slice(0, SECTION_COUNT);
  for (let r = 0; r < n; r++) {
    const i = SCRATCH[r] ?? 0;
    const sec = SECTION[i] ?? 0;
    const at = fill[sec] ?? 0;
    ORDER[at] = i;
    fill[sec] = at + 1;
  }
  // 3. Each section by its keys.
  for (let sec = 0; sec < SECTION_COUNT; sec++) {
    mergeSort(rows, starts[sec] ?? 0, starts[sec + 1] ?? 0);
  }
  // Ranks are written in input order (the order the rows sit in memory), not in rank order.
  const ordered = new Array<Row>(n);
  for (let r = 0; r < n; r++) {
    const i = ORDER[r] ?? 0;
    HINT[i] = r + 1;
    ordered[r] = rows[i] as Row; // ORDER holds a permutation of 0..n-1
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i] as Row;
    const rank = HINT[i] ?? 0;
    row.rank = rank;
    row.prepared.hint = rank;
  }
  return ordered;
}

/** Whether row a goes before row b of the same section: keys, then receivedAt, then id. */
function before(rows: readonly Row[], a: number, b: number): boolean {
  const k1 = (K1[a] ?? 0) - (K1[b] ?? 0);
  if (k1 !== 0) return k1 < 0;
  const k2 = (K2[a] ?? 0) - (K2[b] ?? 0);
  if (k2 !== 0) return k2 < 0;
  const received = (RECEIVED[a] ?? 0) - (RECEIVED[b] ?? 0);
  if (received !== 0) return received < 0;
  return (rows[a] as Row).prepared.lead.id < (rows[b] as Row).prepared.lead.id;
}

/** Stable merge sort of ORDER[lo, hi). */
function mergeSort(rows: readonly Row[], lo: number, hi: number): void {
  if (hi - lo <= 12) {
    for (let i = lo + 1; i < hi; i++) {
      const v = ORDER[i] ?? 0;
      let j = i - 1;
      while (j >= lo && before(rows, v, ORDER[j] ?? 0)) {
        ORDER[j + 1] = ORDER[j] ?? 0;
        j--;
      }
      ORDER[j + 1] = v;
    }
    return;
  }
  const mid = (lo + hi) >>> 1;
  mergeSort(rows, lo, mid);
  mergeSort(rows, mid, hi);
  if (!before(rows, ORDER[mid] ?? 0, ORDER[mid - 1] ?? 0)) return; // already in order
  for (let i = lo; i < mid; i++) SCRATCH[i] = ORDER[i] ?? 0;
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const right = ORDER[j] ?? 0;
    const left = SCRATCH[i] ?? 0;
    if (before(rows, right, left)) {
      ORDER[k++] = right;
      j++;
    } else {
      ORDER[k++] = left;
      i++;
    }
  }
  while (i < mid) ORDER[k++] = SCRATCH[i++] ?? 0;
}

/**
 * A queue row: the ordering's own state, every other field derived when read. The reason line
 * is built when read: a queue of thousands shows a screenful at a time, and building every line
 * would cost more than the ordering itself (see docs/benchmarks.md).
 */
class Row implements QueueRow {
  rank = 0;

  // Four fields: the rows are most of what an ordering allocates (and so of its GC pauses).
  constructor(
    readonly prepared: Prepared,
    /** section * 4 + kind */
    private readonly code: number,
    private readonly context: RowContext,
  ) {}

  private get sectionIndex(): number {
    return this.code >> 2;
  }

  private get kind(): Kind {
    const kind = this.code & 3;
    return kind === CALLBACK || kind === NEW ? kind : RETRY;
  }

  private get state(): CallableState | null {
    return this.context.state;
  }

  get id(): string {
    return this.prepared.lead.id;
  }

  // Derived, not stored: a double field would cost every row a heap number.
  get dueAt(): number {
    const p = this.prepared;
    if (this.kind === CALLBACK) return p.callbackAt;
    if (this.kind === NEW) return p.received;
    return Number.isNaN(p.retryAt) ? p.lastAttempt : p.retryAt;
  }

  get section(): QueueSection {
    return QUEUE_SECTIONS[this.sectionIndex] ?? 'exhausted';
  }

  get tier(): LeadTier {
    return this.prepared.lead.tier;
  }

  get slaDeadlineAt(): number | null {
    return this.kind === NEW
      ? this.prepared.received + this.context.call.settings.sla[this.prepared.lead.tier]
      : null;
  }

  get callableNow(): boolean {
    return this.state === null || this.state.callableNow;
  }

  private get outside(): CallableState | null {
    return this.sectionIndex === LATER ? this.state : null;
  }

  get nextCallableAt(): number | null {
    return this.outside?.nextCallableAt ?? null;
  }

  get nextCallableIso(): string | null {
    return this.outside?.nextCallableIso ?? null;
  }

  get callableAtLocal(): string | null {
    return this.outside?.nextCallableLocal ?? null;
  }

  get timeZone(): string | null {
    return this.prepared.zone?.zone ?? null;
  }

  get timeZoneSource(): TimeZoneSource | null {
    return this.prepared.zoneSource;
  }

  get localTime(): string | null {
    return this.state?.localTime ?? null;
  }

  /** Built on each read (only rows on screen are read; no field kept per row for it). */
  get reason(): string {
    const call = this.context.call;
    return reason(
      this.prepared.lead,
      this.prepared,
      this.section,
      this.kind,
      this.dueAt,
      this.state,
      call.now,
      call.settings,
    );
  }

  toJSON(): QueueRow {
    return plainRow(this);
  }
}

/** A row as plain data, every field and the reason included (e.g. for structured clone). */
export function plainRow(row: QueueRow): QueueRow {
  return {
    id: row.id,
    section: row.section,
    rank: row.rank,
    reason: row.reason,
    tier: row.tier,
    dueAt: row.dueAt,
    slaDeadlineAt: row.slaDeadlineAt,
    callableNow: row.callableNow,
    nextCallableAt: row.nextCallableAt,
    nextCallableIso: row.nextCallableIso,
    callableAtLocal: row.callableAtLocal,
    timeZone: row.timeZone,
    timeZoneSource: row.timeZoneSource,
    localTime: row.localTime,
  };
}

// ---------------------------------------------------------------------------------------------
// Reasons.

function reason(
  lead: PriorityInput,
  p: Prepared,
  section: QueueSection,
  kind: Kind,
  dueAt: number,
  state: CallableState | null,
  now: number,
  s: Settings,
): string {
  switch (section) {
    case 'offered':
      return `Offered to your team: first to claim gets it · ${newLeadLabel(lead, p, now)}`;
    case 'callback_due': {
      const late = now - dueAt;
      const head = late < MINUTE ? 'Callback due now' : `Callback due · ${span(late)} overdue`;
      return state && !state.callableNow ? `${head} · ${state.localTime} their time` : head;
    }
    case 'new':
      return `${newLeadLabel(lead, p, now)} · ${sla(p.received + s.sla[lead.tier] - now)}`;
    case 'retry_due':
      return Number.isNaN(p.askedAgainAt)
        ? `${TIER_LABEL[lead.tier]} · retry ${p.attempts + 1} of ${s.maxAttempts} due · ${lastOutcome(lead, p, now)}`
        : `${TIER_LABEL[lead.tier]} · asked again ${span(now - p.askedAgainAt)} ago · ${lastOutcome(lead, p, now)}`;
    case 'upcoming':
      return kind === CALLBACK
        ? `Callback in ${span(dueAt - now)}`
        : `Retry ${p.attempts + 1} of ${s.maxAttempts} in ${span(dueAt - now)} · ${lastOutcome(lead, p, now)}`;
    case 'later_outside_hours':
      return `${callableAt(state, now)} · ${waiting(lead, p, kind, dueAt, now, s)}`;
    case 'exhausted':
      return `All ${s.maxAttempts} attempts made · ${lastOutcome(lead, p, now)}`;
  }
}

/** "Callable at 09:00 their time (Europe/Berlin)", with the weekday when it is a day or more away. */
function callableAt(state: CallableState | null, now: number): string {
  if (!state) return 'Outside calling hours';
  const when =
    state.nextCallableAt - now >= DAY
      ? `${state.nextCallableWeekday} ${state.nextCallableLocal}`
      : `at ${state.nextCallableLocal}`;
  return `Callable ${when} their time (${state.zone})`;
}

/** What is waiting for the window to open. */
function waiting(
  lead: PriorityInput,
  p: Prepared,
  kind: Kind,
  dueAt: number,
  now: number,
  s: Settings,
): string {
  switch (kind) {
    case CALLBACK:
      return `callback ${span(now - dueAt)} overdue`;
    case NEW:
      return newLeadLabel(lead, p, now);
    case RETRY:
      return `retry ${p.attempts + 1} of ${s.maxAttempts} · ${lastOutcome(lead, p, now)}`;
  }
}

/** "Hot · demo request · 2 min old", "Hot · demo request · asked again 3 min ago" */
function newLeadLabel(lead: PriorityInput, p: Prepared, now: number): string {
  const signal = strongestSignal(lead.signals);
  const tier = TIER_LABEL[lead.tier];
  const age =
    p.freshSince > p.received
      ? `asked again ${span(now - p.freshSince)} ago`
      : `${span(now - p.received)} old`;
  return signal ? `${tier} · ${signal} · ${age}` : `${tier} · ${age}`;
}

/** "no answer 1 h ago" */
function lastOutcome(lead: PriorityInput, p: Prepared, now: number): string {
  const disposition = lead.lastDisposition;
  const label = disposition ? DISPOSITION_INFO[disposition].label.toLowerCase() : 'last attempt';
  return `${label} ${span(now - p.lastAttempt)} ago`;
}

function strongestSignal(signals: PriorityInput['signals']): string | null {
  let best: readonly [number, string] | undefined;
  let unknown: string | null = null;
  for (const signal of signals) {
    const known = SIGNAL_LABELS.get(signal.type);
    if (known) {
      if (!best || known[0] < best[0]) best = known;
    } else {
      unknown ??= signal.type;
    }
  }
  if (best) return best[1];
  return unknown === null ? null : unknown.replace(/_/g, ' ');
}

/** "SLA in 3:00", "SLA over by 1:05:00". */
function sla(remaining: number): string {
  return remaining > 0
    ? `SLA in ${clock(Math.ceil(remaining / SECOND))}`
    : `SLA over by ${clock(Math.floor(-remaining / SECOND))}`;
}

/** "m:ss" under an hour, "h:mm:ss" from then on. */
function clock(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  const ss = sec < 10 ? `0${sec}` : `${sec}`;
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${m < 10 ? '0' : ''}${m}:${ss}`;
}

/** A coarse length of time: "<1 min", "12 min", "3 h", "2 days". Rounded down. */
export function span(ms: number): string {
  if (ms < MINUTE) return '<1 min';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} days`;
}

export { isoMs } from './iso-time';
