import { LIMITS, type LeadSignal } from '../../../src/shared/lead';
import type { Db } from '../repos/db-types';
import { deleteLeadEvents, listLeadEventsOfType, rewriteLeadEvent } from '../repos/lead-events';

/*
 * What a lead keeps of its repeat inquiries. Every inquiry joins the lead (docs/api.md), and
 * the rep's app receives the whole lead with its timeline on every change, so what a lead
 * keeps must stay bounded however often the person (or a sender looping on them) asks again.
 * Kept: the signals scoring counts, the sender's custom fields up to the API's own limit, and
 * the newest inquiry events; the rest is folded into counts (an `inquiries_folded` event), and
 * the lead's `inquiries` still counts every inquiry.
 */

/** Per signal type, the freshest this many: scoring counts the freshest in full and two more. */
export const SIGNALS_KEPT_PER_TYPE = 3;
/** Signals a lead keeps in all (the most one lead input may carry). */
export const SIGNALS_KEPT = LIMITS.maxSignals;
/** `inquiry` events a lead's timeline keeps; older ones are folded into one event. */
export const INQUIRY_EVENTS_KEPT = 20;
/** The timeline type of the one event that counts a lead's folded inquiries. */
export const INQUIRIES_FOLDED = 'inquiries_folded';

/**
 * The signals a lead keeps: per type the freshest `SIGNALS_KEPT_PER_TYPE`, and of those the
 * freshest `SIGNALS_KEPT`, in their original order. The score is the same either way (scoring
 * reads no more than that of a type); `folded` counts what was dropped.
 *
 *   const { kept, folded } = foldSignals([...stored, ...input.signals]);
 */
export function foldSignals(signals: readonly LeadSignal[]): {
  kept: LeadSignal[];
  folded: number;
} {
  // Newest first; ISO strings from toISOString order as their times do. Ties: the later one.
  const byFreshness = signals
    .map((signal, index) => ({ signal, index }))
    .sort((a, b) =>
      a.signal.at === b.signal.at ? b.index - a.index : a.signal.at < b.signal.at ? 1 : -1,
    );
  const perType = new Map<string, number>();
  const keep = new Set<number>();
  for (const { signal, index } of byFreshness) {
    if (keep.size >= SIGNALS_KEPT) break;
    const n = perType.get(signal.type) ?? 0;
    if (n >= SIGNALS_KEPT_PER_TYPE) continue;
    perType.set(signal.type, n + 1);
    keep.add(index);
  }
  const kept = signals.filter((_, index) => keep.has(index));
  return { kept, folded: signals.length - kept.length };
}

/**
 * The lead's custom fields with a new inquiry's: the lead's own win, new keys are added while
 * the lead holds fewer than the API's limit (50), so repeats cannot grow them without bound.
 */
export function mergeFields(
  own: Readonly<Record<string, string>>,
  incoming: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...own };
  let count = Object.keys(merged).length;
  for (const [key, value] of Object.entries(incoming)) {
    if (count >= LIMITS.maxFields) break;
    if (Object.hasOwn(merged, key)) continue;
    merged[key] = value;
    count += 1;
  }
  return merged;
}

interface FoldData {
  /** Inquiry events folded. */
  inquiries: number;
  /** Signals those inquiries had pushed out of the lead. */
  signalsFolded: number;
  /** The first and the last folded inquiry (ISO). */
  from: string;
  to: string;
}

/**
 * Keeps the lead's newest `INQUIRY_EVENTS_KEPT` inquiry events and folds older ones into one
 * `inquiries_folded` event, which takes the place (and id) of the oldest folded one, so the
 * timeline, ordered by id, still reads oldest first. Runs inside the inquiry's write.
 */
export async function foldInquiryEvents(db: Db, leadId: string): Promise<void> {
  const inquiries = await listLeadEventsOfType(db, leadId, 'inquiry');
  const excess = inquiries.slice(0, Math.max(0, inquiries.length - INQUIRY_EVENTS_KEPT));
  const first = excess[0];
  if (!first) return;
  const existing = (await listLeadEventsOfType(db, leadId, INQUIRIES_FOLDED))[0];
  const firstAt = new Date(Number(first.at)).toISOString();
  const fold: FoldData = existing
    ? readFold(existing.data, firstAt)
    : { inquiries: 0, signalsFolded: 0, from: firstAt, to: firstAt };
  for (const event of excess) {
    fold.inquiries += 1;
    fold.signalsFolded += signalsFoldedBy(event.data);
    fold.to = new Date(Number(event.at)).toISOString();
  }
  const foldId = existing?.id ?? first.id;
  await rewriteLeadEvent(db, foldId, INQUIRIES_FOLDED, JSON.stringify(fold));
  await deleteLeadEvents(
    db,
    excess.map((e) => e.id).filter((id) => id !== foldId),
  );
}

function readFold(text: string, fallbackAt: string): FoldData {
  const data = parseObject(text);
  const count = (key: string) => (typeof data[key] === 'number' ? data[key] : 0);
  const at = (key: string) => (typeof data[key] === 'string' ? data[key] : fallbackAt);
  return {
    inquiries: count('inquiries'),
    signalsFolded: count('signalsFolded'),
    from: at('from'),
    to: at('to'),
  };
}

function signalsFoldedBy(text: string): number {
  const n = parseObject(text)['signalsFolded'];
  return typeof n === 'number' ? n : 0;
}

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
