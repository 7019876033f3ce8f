import { outcomeEffect } from '../../shared/outcome-effect';
import { DEFAULT_PLAYBOOK, type Playbook } from '../../shared/playbook';
import { isoMs } from '../../shared/iso-time';
import type { Lead } from '../../shared/lead';
import { MutationArgsSchemas, type MutationName } from '../../shared/sync-protocol';
import type { LocalTimelineEntry } from '../../shared/client-api';

/** An outbox entry, parsed. */
export interface PendingMutation {
  readonly mutationId: number;
  readonly name: MutationName;
  readonly args: unknown;
  readonly occurredAt: string;
  /** Applied by the server, kept until a pull brings its effect back: shown, not "pending". */
  readonly acked?: boolean;
}

/**
 * The lead as the rep should see it: the server's copy with the pending (unacknowledged)
 * mutations applied in order, the way the server will apply them. Pure; the server stays the
 * judge (a pending change it later rejects disappears at the next pull).
 */
export function overlay(
  lead: Lead,
  timeline: readonly LocalTimelineEntry[],
  pending: readonly PendingMutation[],
  playbook: Playbook = DEFAULT_PLAYBOOK,
): { lead: Lead; timeline: LocalTimelineEntry[]; pending: number } {
  let view: Lead = lead;
  const entries: LocalTimelineEntry[] = [...timeline];
  let count = 0;
  const onServer = pending.length > 0 ? carriedIds(timeline) : EMPTY;
  for (const m of pending) {
    // Already in the server's copy (applied, and its ack lost or not yet settled): laying it
    // over again would count the call twice.
    if (onServer.has(effectIdOf(m) ?? '')) continue;
    const applied = applyOne(view, m, playbook);
    if (!applied) continue;
    view = applied.lead;
    if (m.acked) {
      if (applied.entry) entries.push({ ...applied.entry, pending: false });
      continue;
    }
    count += 1;
    if (applied.entry) entries.push(applied.entry);
  }
  return { lead: view, timeline: entries, pending: count };
}

function applyOne(
  lead: Lead,
  m: PendingMutation,
  playbook: Playbook,
): { lead: Lead; entry: LocalTimelineEntry | null } | null {
  const entry = (type: string, data: Record<string, unknown>): LocalTimelineEntry => ({
    id: `pending-${m.mutationId}`,
    type,
    at: m.occurredAt,
    actorId: lead.assignedTo,
    data,
    pending: true,
  });
  switch (m.name) {
    case 'logOutcome': {
      const a = MutationArgsSchemas.logOutcome.safeParse(m.args);
      if (!a.success || a.data.leadId !== lead.id) return null;
      // What the server will do with it (the same function, the same playbook).
      const effect = outcomeEffect(
        lead,
        {
          disposition: a.data.disposition,
          at: isoMs(m.occurredAt),
          callbackAt: a.data.callbackAt === undefined ? null : isoMs(a.data.callbackAt),
          reasonCode: a.data.reasonCode ?? null,
        },
        playbook,
      );
      const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return {
        lead: {
          ...lead,
          attempts: lead.attempts + 1,
          lastAttemptAt: m.occurredAt,
          lastDisposition: a.data.disposition,
          firstTouchAt: lead.firstTouchAt ?? m.occurredAt,
          status: effect.status,
          callbackAt: a.data.callbackAt && effect.callbackAt !== null ? a.data.callbackAt : null,
          nextAttemptAt: isoOrNull(effect.nextAttemptAt),
          closeReason: effect.closeReason,
        },
        entry: entry('outcome', {
          disposition: a.data.disposition,
          ...(a.data.note && { note: a.data.note }),
          ...(a.data.callbackAt && { callbackAt: a.data.callbackAt }),
          ...(a.data.reasonCode && { reasonCode: a.data.reasonCode }),
        }),
      };
    }
    case 'addNote': {
      const a = MutationArgsSchemas.addNote.safeParse(m.args);
      if (!a.success || a.data.leadId !== lead.id) return null;
      return { lead, entry: entry('note', { text: a.data.text }) };
    }
    case 'scheduleCallback': {
      const a = MutationArgsSchemas.scheduleCallback.safeParse(m.args);
      if (!a.success || a.data.leadId !== lead.id) return null;
      return {
        lead: { ...lead, callbackAt: a.data.at },
        entry: entry('callback', { at: a.data.at, ...(a.data.note && { note: a.data.note }) }),
      };
    }
    case 'markSeen': {
      const a = MutationArgsSchemas.markSeen.safeParse(m.args);
      if (!a.success || a.data.leadId !== lead.id || lead.seenAt !== null) return null;
      return { lead: { ...lead, seenAt: m.occurredAt }, entry: null };
    }
    case 'setReceivingLeads':
      return null;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** The client-made ids (outcomeId, noteId, callbackId) the server's timeline entries carry. */
function carriedIds(timeline: readonly LocalTimelineEntry[]): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const entry of timeline) {
    for (const key of ['outcomeId', 'noteId', 'callbackId'] as const) {
      const id = entry.data[key];
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

/** The id a mutation's timeline entry will carry on the server, if it makes one. */
function effectIdOf(m: PendingMutation): string | null {
  const args = m.args;
  if (typeof args !== 'object' || args === null) return null;
  for (const key of ['outcomeId', 'noteId', 'callbackId'] as const) {
    if (key in args) {
      const id = (args as Record<string, unknown>)[key];
      return typeof id === 'string' ? id : null;
    }
  }
  return null;
}

/** The lead a mutation is about, if any. */
export function leadIdOf(m: PendingMutation): string | null {
  const args = m.args;
  if (typeof args === 'object' && args !== null && 'leadId' in args) {
    return typeof args.leadId === 'string' ? args.leadId : null;
  }
  return null;
}
