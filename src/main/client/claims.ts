import { z } from 'zod';
import type { ClientEvent } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import { LeadSchema } from '../../shared/sync-protocol';
import type { Remote } from './board-remote';
import { CommandError } from './command-error';
import type { CoreContext } from './core-context';
import { putServerLead, revokeLead } from './lead-store';
import { requestJson, TransportError } from './transport';

/**
 * Claims a lead offered to the team (claim mode): first to claim wins, so this goes to the
 * server at once, never through the outbox (an offline claim would be a promise nobody can
 * keep). Won: the lead is stored as the server answered and is the rep's. Lost: the lead
 * leaves this queue with why, and a CommandError says it. `pullSoon` fetches its timeline and
 * moves the cursor past this change.
 *
 *   const lead = await claimLead(context, remote, leadId, () => engine.pullSoon());
 */
export async function claimLead(
  c: CoreContext,
  remote: Remote | null,
  leadId: string,
  pullSoon: () => void,
): Promise<Lead> {
  if (!remote) throw new CommandError('not connected to the server', []);
  const url = `${remote.serverUrl}/api/v1/leads/${encodeURIComponent(leadId)}/claim`;
  let lead: Lead;
  try {
    ({ lead } = await requestJson('POST', url, ClaimResponseSchema, { token: remote.token }));
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    const lost = CLAIM_LOST[error.code ?? ''];
    if (lost) {
      await revokeLead(c.db, leadId, lost, c.clock());
      c.emit({ type: 'lead.revoked', leadId, reason: lost } satisfies ClientEvent);
      c.emit({ type: 'queue.changed' } satisfies ClientEvent);
      throw new CommandError(lost, [{ field: 'leadId', message: lost }]);
    }
    const message =
      error.status === 0
        ? 'cannot reach the server: a lead can only be claimed online'
        : error.code === 'at_capacity'
          ? 'you hold as many untouched leads as you can take: work one first'
          : error.status === 404
            ? 'no such lead'
            : error.message;
    throw new CommandError(message, [{ field: 'leadId', message }]);
  }
  await putServerLead(c.db, lead, null);
  c.emit({ type: 'queue.changed' } satisfies ClientEvent);
  pullSoon();
  return lead;
}

const ClaimResponseSchema = z.object({ lead: LeadSchema });

/** Claims that lost: the lead leaves this rep's queue with this reason. */
const CLAIM_LOST: Readonly<Record<string, string>> = {
  already_claimed: 'a teammate claimed it first',
  offer_expired: 'the offer ended before you claimed it',
};
