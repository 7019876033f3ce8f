import type { Kysely } from 'kysely';
import type { ClientEvent } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import type { LeadAlertKind } from '../../shared/live-protocol';
import type { LiveMessage } from './live-channel';
import type { Notifier, ToastBatcher } from './notifier';
import type { LocalDatabase } from './schema';
import { markNotified, putServerLead, revokeLead } from './lead-store';

/** What a live message may touch: the local database, the rep's toasts, the next pull. */
export interface LiveEffectsContext {
  readonly db: Kysely<LocalDatabase>;
  readonly clock: () => number;
  readonly emit: (event: ClientEvent) => void;
  readonly notifier: Notifier;
  /** New leads' toasts, gathered into bursts (notifier.ts). */
  readonly toasts: ToastBatcher;
  readonly pullSoon: () => void;
}

/**
 * What a message on the live channel does (live-channel.ts has validated it): a lead pushed
 * live is stored and toasted at once, a revoke takes the lead and its toast away, an alert is a
 * toast of its own; each is followed by a pull, which stays the source of truth.
 *
 *   live = new LiveChannel({ ..., on: { message: (m) => applyLiveMessage(context, m), ... } });
 */
export function applyLiveMessage(c: LiveEffectsContext, message: LiveMessage): void {
  switch (message.type) {
    case 'lead.assigned':
      void onAssigned(c, message.lead, message.reason);
      return;
    case 'lead.revoked':
      void onRevoked(c, message.leadId, message.reason);
      return;
    case 'lead.alert':
      onAlert(c, message.leadId, message.kind, message.text);
      return;
    case 'lead.updated':
    case 'poke':
      c.pullSoon();
      return;
    case 'hello':
      c.emit({
        type: 'user.changed',
        role: message.user.role,
        teamId: message.user.teamId,
      });
      return;
    case 'pong':
    case 'error':
      return;
  }
}

/** A lead pushed live: stored in one local transaction, then the rep is notified. */
async function onAssigned(c: LiveEffectsContext, lead: Lead, reason: string): Promise<void> {
  try {
    const now = c.clock();
    const isNew = await c.db.transaction().execute(async (trx) => {
      const inserted = await putServerLead(trx, lead, null);
      if (inserted) await markNotified(trx, [lead.id], now);
      return inserted;
    });
    c.emit({ type: 'lead.assigned', lead, reason });
    if (isNew) c.toasts.add([lead]);
    c.emit({ type: 'queue.changed' });
  } catch (error) {
    c.emit({ type: 'invalid.message', source: 'live', message: describe(error) });
  }
  // The timeline and the cursor come with the next pull.
  c.pullSoon();
}

/**
 * An alert is a toast of its own (never folded into a burst of new leads: it is about a lead
 * the rep already has), and the lead's new state comes with a pull.
 */
function onAlert(c: LiveEffectsContext, leadId: string, kind: LeadAlertKind, text: string): void {
  c.emit({ type: 'lead.alert', leadId, kind, text });
  c.notifier.show({ title: alertTitle(kind), body: text, leadId }).then(
    () => c.emit({ type: 'notified', leadIds: [leadId], summary: false }),
    (error: unknown) => c.emit({ type: 'notify.failed', message: describe(error) }),
  );
  c.pullSoon();
}

async function onRevoked(c: LiveEffectsContext, leadId: string, reason: string): Promise<void> {
  // An offer a teammate claimed (or a lead moved away): its toast goes too.
  c.toasts.withdraw(leadId);
  await revokeLead(c.db, leadId, reason, c.clock());
  c.emit({ type: 'lead.revoked', leadId, reason });
  c.emit({ type: 'queue.changed' });
  c.pullSoon();
}

function alertTitle(kind: LeadAlertKind): string {
  switch (kind) {
    case 'sla_reminder':
      return 'Call now: response time running out';
    case 'sla_breach':
      return 'A lead is past its response-time target';
    case 'sla_reassigned':
      return 'A lead was moved to another rep';
    case 'asked_again':
      return 'A lead asked again';
    case 'callback_due':
      return 'Callback due';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
