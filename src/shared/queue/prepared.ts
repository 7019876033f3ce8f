import { nextAttemptAt, type RetryLadder } from '../cadence';
import {
  type CallableState,
  type CallingWindow,
  cachedPhoneCountry,
  leadTimeZone,
  type TimeZoneOptions,
  type TimeZoneSource,
} from '../calling-hours';
import { isoMs } from '../iso-time';
import { type PriorityInput, type Settings, TIER_RANK, type TierRank } from './policy';

/*
 * The ordering's caches: what a lead contributes that does not depend on `now` (kept per lead
 * object), and one slot per zone that holds the zone's calling state for the current ordering.
 * Re-ordering the same queue every second, as the app does while its timers tick, parses no date
 * and reads each zone's calling hours once.
 */

/**
 * What a lead contributes that does not depend on `now`: parsed dates, its zone, its place on the
 * retry ladder. Kept per lead object (leads are immutable; a changed lead is a new object), so
 * re-ordering the same queue every second, as the app does while its timers tick, parses nothing.
 */
export class Prepared {
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

export function prepare(lead: PriorityInput, s: Settings): Prepared {
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
export class ZoneSlot {
  /** The ordering `context` belongs to (Call#id). */
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

/** What every row of one ordering shares. */
export interface Call {
  readonly id: number;
  readonly now: number;
  readonly settings: Settings;
}

/** What the rows of one zone share in one ordering (one object per zone, not per row). */
export interface RowContext {
  readonly call: Call;
  /** Null when the lead's zone is unknown. */
  readonly state: CallableState | null;
}
