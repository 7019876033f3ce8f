import {
  CLIENT_CLOCK_AHEAD_MS,
  CLIENT_TIME_MAX_AGE_MS,
  type ClientTimeRefusal,
} from '../../../src/shared/sync-protocol';
import type { LeadRow } from '../db/schema';

/*
 * When a rep says something happened (an outcome's or a "seen"'s `occurredAt`). It is the
 * client's clock, and it sets `firstTouchAt` and so speed-to-lead: a rep must not be able to
 * choose it. It is believed only inside what can be true for this rep and lead:
 *
 *   - not before the lead was assigned to them (nor before it was received);
 *   - not older than CLIENT_TIME_MAX_AGE_MS: an outbox kept offline through a day and a night
 *     is pushed late, honestly, but a week-old claim is not a late push;
 *   - not later than the server's clock plus CLIENT_CLOCK_AHEAD_MS (a fast clock is drift: it
 *     is read as "now"; further ahead is not a time at all).
 *
 * Otherwise the server's receive time is used, and the caller records why on the timeline.
 */

export type AcceptedTime =
  | { readonly at: number; readonly refused: null }
  | { readonly at: number; readonly refused: ClientTimeRefusal };

/**
 *   const { at, refused } = acceptClientTime(Date.parse(m.occurredAt), lead, env.now);
 */
export function acceptClientTime(clientTime: number, lead: LeadRow, now: number): AcceptedTime {
  if (!Number.isFinite(clientTime)) return { at: now, refused: 'too_old' };
  if (clientTime > now + CLIENT_CLOCK_AHEAD_MS) return { at: now, refused: 'ahead_of_server' };
  const received = Number(lead.received_at);
  // The holder's assignment: mutations that take a client time are the holder's alone.
  const assigned = lead.assigned_at === null ? received : Number(lead.assigned_at);
  if (clientTime < Math.max(assigned, received)) return { at: now, refused: 'before_assignment' };
  if (clientTime < now - CLIENT_TIME_MAX_AGE_MS) return { at: now, refused: 'too_old' };
  return { at: Math.min(clientTime, now), refused: null };
}

/** What a timeline event keeps when the client's time was not used (nothing when it was). */
export function clientTimeData(
  accepted: AcceptedTime,
  clientTime: number,
): Record<string, unknown> {
  if (accepted.refused === null) return {};
  return {
    timeFrom: 'server',
    clientTimeRefused: accepted.refused,
    ...(Number.isFinite(clientTime) && { clientAt: new Date(clientTime).toISOString() }),
  };
}
