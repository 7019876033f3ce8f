import { z } from 'zod';
import type { ClientEvent, OpenCall } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import { CommandError } from './command-error';
import type { CoreContext } from './core-context';
import { findLocalLead } from './lead-store';
import { getState, setState, STATE_KEYS } from './state-store';

/**
 * The rep's open call. The rep started a call (the app's "call" key): until its outcome is
 * logged (or the rep says the call did not happen, `cancel`), the app keeps them on this lead.
 * Kept on disk, so a restart brings them back to it. Logging the outcome ends it in the same
 * transaction as the outcome (commands.ts).
 *
 *   const call = await calls.start(leadId);
 *   await calls.cancel();
 */
export class Calls {
  constructor(private readonly c: CoreContext) {}

  async start(leadId: string): Promise<OpenCall> {
    const open = await this.open();
    if (open && open.leadId !== leadId) {
      const other = await findLocalLead(this.c.db, open.leadId);
      const name = other ? (JSON.parse(other.lead) as Lead).name : 'the lead you called';
      throw new CommandError(`log how the call with ${name} went first`, [
        { field: 'leadId', message: 'another call is open' },
      ]);
    }
    if (open) return open;
    const row = await findLocalLead(this.c.db, leadId);
    if (!row) {
      throw new CommandError('no such lead', [{ field: 'leadId', message: 'not in this queue' }]);
    }
    const lead = JSON.parse(row.lead) as Lead;
    if (lead.offer && lead.assignedTo === null) {
      const message = 'claim this lead first: it is offered to the whole team';
      throw new CommandError(message, [{ field: 'leadId', message }]);
    }
    const call: OpenCall = { leadId, startedAt: new Date(this.c.clock()).toISOString() };
    await setState(this.c.db, STATE_KEYS.openCall, JSON.stringify(call));
    this.c.emit({ type: 'call.changed', call } satisfies ClientEvent);
    return call;
  }

  /** The call did not happen (no answer tone, wrong key): nothing to log. */
  async cancel(): Promise<void> {
    if (!(await this.open())) return;
    await setState(this.c.db, STATE_KEYS.openCall, '');
    this.c.emit({ type: 'call.changed', call: null } satisfies ClientEvent);
  }

  async open(): Promise<OpenCall | null> {
    return parseOpenCall(await getState(this.c.db, STATE_KEYS.openCall));
  }
}

const OpenCallSchema = z.strictObject({ leadId: z.string().min(1), startedAt: z.string() });

function parseOpenCall(text: string | null): OpenCall | null {
  if (!text) return null;
  try {
    const parsed = OpenCallSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
