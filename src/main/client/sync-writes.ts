import type { Kysely } from 'kysely';
import type { Lead } from '../../shared/lead';
import type { Mutation, PullPage, PushResponse } from '../../shared/sync-protocol';
import type { PendingMutation } from './overlay';
import { readChanges, type SkippedChange } from './pull-page';
import type { LocalDatabase } from './schema';
import { markNotified, putServerLeads, revokeLead } from './lead-store';
import { acknowledge, recordRejected, settleAcknowledged } from './outbox-store';
import { getState, setState, STATE_KEYS } from './state-store';

/*
 * What one push answer and one pull page write into the local database, each in one local
 * transaction. The sync engine sends and receives; these decide what is stored, and return what
 * the engine then tells the rep.
 */

/** An outbox row as the push sends it. */
export function mutationOnWire(clientId: string, m: PendingMutation): Mutation {
  // Stored from a validated command, so the shape is right; the server validates it again.
  return {
    clientId,
    mutationId: m.mutationId,
    name: m.name,
    args: m.args,
    occurredAt: m.occurredAt,
  } as Mutation;
}

/**
 * Records a push's answer: rejections kept with why, and the acknowledged rows marked, in the
 * same transaction (they stay in view until a pull brings their lead back: settleAcknowledged).
 */
export async function recordPushResults(
  db: Kysely<LocalDatabase>,
  batch: readonly PendingMutation[],
  res: PushResponse,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const r of res.results) {
      if (r.status !== 'rejected') continue;
      const m = batch.find((b) => b.mutationId === r.mutationId);
      await recordRejected(trx, {
        mutation_id: r.mutationId,
        name: m?.name ?? 'logOutcome',
        args: JSON.stringify(m?.args ?? {}),
        code: r.error.code,
        message: r.error.message,
        at: now,
        dismissed: 0,
      });
    }
    const rejected = res.results.flatMap((r) => (r.status === 'rejected' ? [r.mutationId] : []));
    await acknowledge(trx, res.lastMutationId, rejected, now);
  });
}

export interface AppliedPage {
  /** Changes this client read and stored. */
  readonly changes: number;
  /** Leads new to this client, assigned and unseen: the rep is told of them. */
  readonly fresh: readonly Lead[];
  readonly revoked: readonly { readonly leadId: string; readonly reason: string }[];
  readonly skipped: readonly SkippedChange[];
}

/**
 * Stores one pull page with its cursor in one transaction. A change this app cannot read is
 * skipped, not the page: the cursor still moves past it. Acknowledged outbox rows up to `cutoff`
 * are settled for the leads the page carries (all of them on the last page).
 */
export async function applyPullPage(
  db: Kysely<LocalDatabase>,
  res: PullPage,
  cutoff: number,
  now: number,
): Promise<AppliedPage> {
  const fresh: Lead[] = [];
  const revoked: { leadId: string; reason: string }[] = [];
  const { changes, skipped } = readChanges(res.changes);
  await db.transaction().execute(async (trx) => {
    const leads = changes.flatMap((c) => (c.type === 'lead' ? [c] : []));
    const added = await putServerLeads(trx, leads);
    for (const { lead } of leads) {
      if (added.has(lead.id) && lead.status === 'assigned' && lead.seenAt === null) {
        fresh.push(lead);
      }
    }
    // Revocations after the upserts: a page never holds both for one lead (one entry per
    // lead), and a revoke must win over an older copy.
    for (const change of changes) {
      if (change.type !== 'revoked') continue;
      await revokeLead(trx, change.leadId, change.reason, Date.parse(change.at));
      revoked.push({ leadId: change.leadId, reason: change.reason });
    }
    await markNotified(
      trx,
      fresh.map((l) => l.id),
      now,
    );
    const carried = new Set(changes.map((c) => (c.type === 'lead' ? c.lead.id : c.leadId)));
    await settleAcknowledged(trx, cutoff, res.hasMore ? carried : 'all');
    await setState(trx, STATE_KEYS.cursor, res.cursor);
    await setState(trx, STATE_KEYS.lastSyncAt, res.serverTime);
    await setState(trx, STATE_KEYS.receivingLeads, String(res.user.receivingLeads));
    if (res.historyDays !== undefined) {
      await setState(trx, STATE_KEYS.historyDays, String(res.historyDays));
    }
    if (skipped.length > 0) {
      const before = Number((await getState(trx, STATE_KEYS.skippedChanges)) ?? 0);
      await setState(trx, STATE_KEYS.skippedChanges, String(before + skipped.length));
    }
  });
  return { changes: changes.length, fresh, revoked, skipped };
}
