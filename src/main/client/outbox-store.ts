import type { Transaction } from 'kysely';
import type { MutationName } from '../../shared/sync-protocol';
import type { PendingMutation } from './overlay';
import type { LocalDatabase, LocalExecutor, RejectedTable } from './schema';
import { getState, setState, STATE_KEYS } from './state-store';

/*
 * The outbox (the rep's changes until the server has them and a pull brought them back) and the
 * changes the server rejected. Each function takes the database or a transaction.
 */

/** Adds a mutation to the outbox with the next id; call inside the command's transaction. */
export async function enqueue(
  trx: Transaction<LocalDatabase>,
  name: MutationName,
  args: unknown,
  occurredAt: string,
  now: number,
): Promise<number> {
  const last = Number((await getState(trx, STATE_KEYS.lastIssued)) ?? '0');
  const mutationId = last + 1;
  await trx
    .insertInto('outbox')
    .values({
      mutation_id: mutationId,
      name,
      args: JSON.stringify(args),
      occurred_at: occurredAt,
      created_at: now,
      acked_at: null,
    })
    .execute();
  await setState(trx, STATE_KEYS.lastIssued, String(mutationId));
  return mutationId;
}

function toPending(r: {
  mutation_id: number;
  name: MutationName;
  args: string;
  occurred_at: string;
  acked_at: number | null;
}): PendingMutation {
  return {
    mutationId: Number(r.mutation_id),
    name: r.name,
    args: JSON.parse(r.args) as unknown,
    occurredAt: r.occurred_at,
    acked: r.acked_at !== null,
  };
}

/** The next mutations to send: the oldest not yet acknowledged. */
export async function outboxHead(db: LocalExecutor, limit: number): Promise<PendingMutation[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('acked_at', 'is', null)
    .orderBy('mutation_id')
    .limit(limit)
    .execute();
  return rows.map(toPending);
}

/** Every row the view lays over the server's copy: unsent, and applied but not pulled back. */
export async function allPending(db: LocalExecutor): Promise<PendingMutation[]> {
  const rows = await db.selectFrom('outbox').selectAll().orderBy('mutation_id').execute();
  return rows.map(toPending);
}

/** Changes still to send (what the status bar calls "waiting to sync"). */
export async function countOutbox(db: LocalExecutor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('acked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Records the server's acknowledgement up to `lastMutationId`: rejected mutations are dropped
 * (the server's copy is the truth for them), applied ones are marked and kept for the view
 * until a pull brings their effect back (settleAcknowledged).
 */
export async function acknowledge(
  trx: Transaction<LocalDatabase>,
  lastMutationId: number,
  rejected: readonly number[],
  now: number,
) {
  if (rejected.length > 0) {
    await trx
      .deleteFrom('outbox')
      .where('mutation_id', 'in', [...rejected])
      .execute();
  }
  await trx
    .updateTable('outbox')
    .set({ acked_at: now })
    .where('mutation_id', '<=', lastMutationId)
    .where('acked_at', 'is', null)
    .execute();
  await setState(trx, STATE_KEYS.lastAcked, String(lastMutationId));
}

/** The highest acknowledged mutation still kept for the view (0 when none). */
export async function ackedCutoff(db: LocalExecutor): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max<number | null>('mutation_id').as('id'))
    .where('acked_at', 'is not', null)
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * Drops acknowledged rows up to `cutoff` (read before the pull was sent, so the server had
 * applied them when it answered) for the leads a pull page carried, or all of them once the
 * pull is complete.
 */
export async function settleAcknowledged(
  trx: Transaction<LocalDatabase>,
  cutoff: number,
  leadIds: ReadonlySet<string> | 'all',
): Promise<void> {
  if (cutoff <= 0) return;
  const base = trx
    .deleteFrom('outbox')
    .where('acked_at', 'is not', null)
    .where('mutation_id', '<=', cutoff);
  if (leadIds === 'all') {
    await base.execute();
    return;
  }
  if (leadIds.size === 0) return;
  const rows = await trx
    .selectFrom('outbox')
    .select(['mutation_id', 'args'])
    .where('acked_at', 'is not', null)
    .where('mutation_id', '<=', cutoff)
    .execute();
  const ids = rows
    .filter((r) => {
      const args = JSON.parse(r.args) as { leadId?: unknown };
      return typeof args.leadId === 'string' && leadIds.has(args.leadId);
    })
    .map((r) => Number(r.mutation_id));
  if (ids.length > 0) await base.where('mutation_id', 'in', ids).execute();
}

export async function recordRejected(trx: Transaction<LocalDatabase>, row: RejectedTable) {
  await trx
    .insertInto('rejected')
    .values(row)
    .onConflict((oc) => oc.column('mutation_id').doNothing())
    .execute();
}

export async function listRejected(db: LocalExecutor) {
  return db
    .selectFrom('rejected')
    .selectAll()
    .where('dismissed', '=', 0)
    .orderBy('mutation_id')
    .execute();
}

export async function dismissRejected(db: LocalExecutor, mutationId: number): Promise<void> {
  await db
    .updateTable('rejected')
    .set({ dismissed: 1 })
    .where('mutation_id', '=', mutationId)
    .execute();
}
