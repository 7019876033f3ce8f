import {
  ClientCommandSchema,
  type ClientEvent,
  type ExecuteResult,
  type LocalLead,
} from '../../shared/client-api';
import { uuidv7 } from '../../shared/ids';
import type { Lead } from '../../shared/lead';
import { outcomeEffect } from '../../shared/outcome-effect';
import { outcomeProblem, type Playbook } from '../../shared/playbook';
import { describeIssues, fieldIssues } from '../../shared/validation';
import type { Calls } from './calls';
import { CommandError } from './command-error';
import type { CoreContext } from './core-context';
import { enqueue } from './outbox-store';
import { setState, STATE_KEYS } from './state-store';

export interface CommandContext extends CoreContext {
  readonly calls: Calls;
  readonly playbook: () => Playbook;
  /** The lead as the rep sees it now (server copy with the outbox laid over it). */
  readonly getLead: (id: string) => Promise<LocalLead | null>;
  /** The command is on disk: push it. */
  readonly pushSoon: () => void;
}

/**
 * Runs a command: validated, then written with its outbox row in one local transaction (the
 * outbox row is the optimistic change: what the rep sees is the server's copy with the outbox
 * laid over it). Resolves once it is on disk; the push follows on its own.
 *
 *   await executeCommand(context, { type: 'logOutcome', leadId, disposition: 'no_answer' });
 */
export async function executeCommand(c: CommandContext, input: unknown): Promise<ExecuteResult> {
  const parsed = ClientCommandSchema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldIssues(parsed.error);
    throw new CommandError(`the command is not valid: ${describeIssues(fields)}`, fields);
  }
  const command = parsed.data;
  const now = c.clock();
  const occurredAt = new Date(now).toISOString();
  let next: ExecuteResult['next'];
  let endsCall = false;
  const view = 'leadId' in command ? await c.getLead(command.leadId) : null;
  if (view && view.revoked !== null) await refuseOnRevoked(c, view.lead, view.revoked.reason);
  if (view && view.revoked === null && view.lead.offer && view.lead.assignedTo === null) {
    // Offered to the team, nobody's yet: the server would refuse it (and a refused outcome
    // is a call lost from the rep's record).
    const message = 'claim this lead first: it is offered to the whole team';
    throw new CommandError(message, [{ field: 'leadId', message }]);
  }
  if (command.type === 'logOutcome') {
    // Refused here rather than by the server later: an outcome in the outbox must be one the
    // server takes (a rejected call would be a call lost from the rep's record).
    const playbook = c.playbook();
    const problem = outcomeProblem(playbook, command.disposition, command.reasonCode);
    if (problem) {
      const field = problem.includes('reason') ? 'reasonCode' : 'disposition';
      throw new CommandError(problem, [{ field, message: problem }]);
    }
    if (view && view.revoked === null) {
      next = outcomeEffect(
        view.lead,
        {
          disposition: command.disposition,
          at: now,
          callbackAt: command.callbackAt === undefined ? null : Date.parse(command.callbackAt),
          reasonCode: command.reasonCode ?? null,
        },
        playbook,
      ).next;
    }
    endsCall = (await c.calls.open())?.leadId === command.leadId;
  }
  const mutationId = await c.db.transaction().execute(async (trx) => {
    switch (command.type) {
      case 'logOutcome':
        // The call is logged: the app lets the rep move on (in the same transaction).
        if (endsCall) await setState(trx, STATE_KEYS.openCall, '');
        return enqueue(
          trx,
          'logOutcome',
          {
            outcomeId: uuidv7(),
            leadId: command.leadId,
            disposition: command.disposition,
            ...(command.note && { note: command.note }),
            ...(command.callbackAt && { callbackAt: command.callbackAt }),
            ...(command.reasonCode && { reasonCode: command.reasonCode }),
          },
          occurredAt,
          now,
        );
      case 'addNote':
        return enqueue(
          trx,
          'addNote',
          { noteId: uuidv7(), leadId: command.leadId, text: command.text },
          occurredAt,
          now,
        );
      case 'scheduleCallback':
        return enqueue(
          trx,
          'scheduleCallback',
          {
            callbackId: uuidv7(),
            leadId: command.leadId,
            at: command.at,
            ...(command.note && { note: command.note }),
          },
          occurredAt,
          now,
        );
      case 'markSeen':
        return enqueue(trx, 'markSeen', { leadId: command.leadId }, occurredAt, now);
      case 'setReceivingLeads':
        await setState(trx, STATE_KEYS.receivingLeads, String(command.receiving));
        return enqueue(trx, 'setReceivingLeads', { receiving: command.receiving }, occurredAt, now);
    }
  });
  c.emit({ type: 'queued', mutationId, name: command.type } satisfies ClientEvent);
  c.emit({ type: 'queue.changed' } satisfies ClientEvent);
  if (endsCall) c.emit({ type: 'call.changed', call: null } satisfies ClientEvent);
  c.pushSoon();
  return next === undefined ? { mutationId } : { mutationId, next };
}

/**
 * A lead that has left this rep takes nothing more from them: the server refuses every change
 * but the holder's (`not_your_lead`, docs/sync-protocol.md), so it is refused here at once,
 * with why, instead of waiting in the outbox to be rejected. A call still open on it cannot be
 * logged any more, so it ends too (the rep is not kept on a lead that is gone).
 */
async function refuseOnRevoked(c: CommandContext, lead: Lead, reason: string): Promise<never> {
  if ((await c.calls.open())?.leadId === lead.id) await c.calls.cancel();
  const message = `${lead.name} is no longer yours (${reason}): the server takes calls, notes and callbacks on it only from its new owner`;
  throw new CommandError(message, [{ field: 'leadId', message }]);
}
