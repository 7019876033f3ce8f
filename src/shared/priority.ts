import { callableState } from './calling-hours';
import {
  CALLBACK,
  CALLBACK_DUE,
  EXHAUSTED,
  type Kind,
  LATER,
  logDecay,
  NEW,
  NEW_SECTION,
  OFFERED,
  type PriorityInput,
  type PriorityOptions,
  type QueueOrder,
  RETRY,
  RETRY_DUE,
  settings,
  UPCOMING,
} from './queue/policy';
import { type Call, prepare, type RowContext } from './queue/prepared';
import { Row } from './queue/row';
import { sortKeys, sortRows } from './queue/sort';

/*
 * The rep's queue, ordered: orderQueue puts every lead in its section with its sort keys, by
 * the rules in queue/policy.ts (read that first), and the engine in queue/ sorts them:
 *
 *   queue/policy.ts    the rules: sections, value and decay, options and their defaults, types
 *   queue/prepared.ts  per-lead and per-zone caches (what does not depend on `now`)
 *   queue/sort.ts      the sort on typed-array keys, starting from the previous order
 *   queue/row.ts       rows whose fields (the reason line among them) are derived when read
 *   queue/reason.ts    the reason line
 *
 *   const { rows, nextChangeAt } = orderQueue(leads, now, playbookPriority);
 */

export {
  contactOdds,
  DEFAULT_SLA_TARGETS_MS,
  DEFAULT_TIER_WEIGHTS,
  type PriorityInput,
  type PriorityOptions,
  QUEUE_SECTIONS,
  type QueueOrder,
  type QueueRow,
  type QueueSection,
} from './queue/policy';
export { plainRow } from './queue/row';
export { span } from './queue/reason';
export { isoMs } from './iso-time';

/** Numbers the calls of orderQueue (for ZoneSlot#call). */
let calls = 0;

/**
 * Orders the rep's queue at `now` (epoch ms, the caller's single clock reading; nothing here
 * reads a clock). The rules: queue/policy.ts.
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
  const keys = sortKeys(leads.length);
  const key1 = keys.k1;
  const key2 = keys.k2;
  const receivedKey = keys.received;
  const sectionKey = keys.section;
  const hintKey = keys.hint;
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
      // Highest value first; the value as a logarithm (see queue/policy.ts).
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
    key1[i] = k1;
    key2[i] = k2;
    receivedKey[i] = p.received;
    sectionKey[i] = section;
    hintKey[i] = p.hint;
    rows[count++] = new Row(p, section * 4 + kind, context);
  }

  rows.length = count;
  const ordered = sortRows(rows);
  return { rows: ordered, nextChangeAt: Number.isFinite(nextChangeAt) ? nextChangeAt : null };
}
