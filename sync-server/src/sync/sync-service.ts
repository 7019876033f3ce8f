import { DEFAULT_PLAYBOOK, type Playbook } from '../../../src/shared/playbook';
import {
  SYNC_PROTOCOL_VERSION,
  type MutationResult,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type SyncChange,
} from '../../../src/shared/sync-protocol';
import type { UserRow } from '../db/schema';
import type { WriteContext, WriteQueue } from '../db/write-queue';
import { toUser } from '../domain/mappers';
import { ApiError } from '../domain/api-error';
import type { Db } from '../repos/db-types';
import { headSeq, listChangesSince } from '../repos/lead-changes';
import { openOffersAmong } from '../repos/lead-offers';
import { findWireByIds, listSnapshotWire } from '../repos/lead-wire';
import {
  advanceSyncClient,
  findSyncClient,
  insertSyncClient,
  recordMutation,
} from '../repos/sync-clients';
import { findUserById } from '../repos/users';
import type { Dispatcher } from '../routing/dispatcher';
import { applyMutation } from './apply-mutation';
import { decodeCursor, encodeCursor, type PullCursor } from './cursor';

export interface SyncDeps {
  readonly writes: WriteQueue;
  /** Committed data only (the reader connection). */
  readonly readDb: Db;
  readonly dispatcher: Dispatcher;
  /** Tells a user's live connections to pull. */
  readonly poke: (userId: string) => void;
  readonly clock: () => number;
  /** Wakes the lifecycle scheduler for a deadline a mutation stored. */
  readonly wake?: (at: number) => void;
  /** What outcomes schedule; the default playbook when not given. */
  readonly playbook?: Playbook;
  /**
   * Config `sync.historyDays`: closed leads changed within this many days are the rep's recent
   * history (a first sync sends them, the app keeps them); older ones stay on the server.
   */
  readonly historyDays?: number;
}

/** `sync.historyDays` when not given. */
export const DEFAULT_HISTORY_DAYS = 30;
const DAY_MS = 24 * 3600_000;

export function incompatibleProtocol(got: unknown): ApiError {
  return new ApiError(
    426,
    'incompatible_protocol',
    `this server speaks sync protocol ${SYNC_PROTOCOL_VERSION}; the client sent ${String(got)}: update Pounce`,
    { serverVersion: SYNC_PROTOCOL_VERSION },
  );
}

/** The server side of docs/sync-protocol.md: push (exactly-once mutations) and pull. */
export class SyncService {
  constructor(private readonly deps: SyncDeps) {}

  private get historyDays(): number {
    return this.deps.historyDays ?? DEFAULT_HISTORY_DAYS;
  }

  /** What outcomes schedule here: clients fetch it (GET /api/v1/playbook) and keep it. */
  get playbook(): Playbook {
    return this.deps.playbook ?? DEFAULT_PLAYBOOK;
  }

  async push(user: UserRow, body: PushRequest): Promise<PushResponse> {
    if (body.protocolVersion !== SYNC_PROTOCOL_VERSION) {
      throw incompatibleProtocol(body.protocolVersion);
    }
    // All of the push joins the write queue at once, in order: one group commit, usually one
    // fsync, for the whole push. Each mutation still runs in its own transaction (savepoint).
    const settled = await Promise.allSettled(
      body.mutations.map((m) =>
        this.deps.writes.run(async (ctx) => {
          const result = await this.applyOne(ctx, user, m);
          return result;
        }),
      ),
    );
    const results: MutationResult[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'rejected') throw outcome.reason;
      results.push(outcome.value);
    }
    const client = await findSyncClient(this.deps.readDb, body.clientId);
    return { lastMutationId: Number(client?.last_mutation_id ?? 0), results };
  }

  private async applyOne(
    ctx: WriteContext,
    user: UserRow,
    m: PushRequest['mutations'][number],
  ): Promise<MutationResult> {
    const { trx } = ctx;
    const now = this.deps.clock();
    const client = await findSyncClient(trx, m.clientId);
    if (!client) {
      await insertSyncClient(trx, { clientId: m.clientId, userId: user.id, now });
    } else if (client.user_id !== user.id) {
      throw ApiError.forbidden('this client id belongs to another user');
    }
    const last = Number(client?.last_mutation_id ?? 0);
    if (m.mutationId <= last) return { mutationId: m.mutationId, status: 'duplicate' };
    if (m.mutationId > last + 1) {
      throw new ApiError(
        409,
        'mutation_gap',
        `mutation ${m.mutationId} skips ahead: the server expects ${last + 1}`,
        { expectedMutationId: last + 1 },
      );
    }

    const applied = await applyMutation(m, {
      ctx,
      user,
      now,
      playbook: this.deps.playbook ?? DEFAULT_PLAYBOOK,
      ...(this.deps.wake && { wake: this.deps.wake }),
    });
    await recordMutation(trx, {
      client_id: m.clientId,
      mutation_id: m.mutationId,
      user_id: user.id,
      name: m.name,
      args: JSON.stringify(m.args),
      status: applied.status,
      error_code: applied.status === 'rejected' ? applied.code : null,
      error_message: applied.status === 'rejected' ? applied.message : null,
      client_occurred_at: m.occurredAt,
      applied_at: now,
    });
    await advanceSyncClient(trx, m.clientId, m.mutationId, now);
    if (applied.status === 'rejected') {
      return {
        mutationId: m.mutationId,
        status: 'rejected',
        error: { code: applied.code, message: applied.message },
      };
    }
    if (applied.drainTeam) await this.deps.dispatcher.drainWithin(ctx, applied.drainTeam);
    ctx.afterCommit(() => {
      for (const userId of new Set(applied.poke)) this.deps.poke(userId);
    });
    return { mutationId: m.mutationId, status: 'applied' };
  }

  /**
   * One page of changes for this user, as the JSON text of a PullResponse. Leads arrive from
   * SQLite already serialised (repos/lead-wire.ts); the page is put together around them, never
   * parsed and serialised again.
   */
  async pull(user: UserRow, cursorText: string | undefined, limit: number): Promise<string> {
    const db = this.deps.readDb;
    let cursor: PullCursor;
    if (cursorText === undefined) {
      cursor = { kind: 'snapshot', seq: await headSeq(db), after: '' };
    } else {
      const decoded = decodeCursor(cursorText);
      if (!decoded) {
        throw ApiError.validation([
          { field: 'cursor', message: 'is not a cursor this server issued' },
        ]);
      }
      cursor = decoded;
    }
    const page =
      cursor.kind === 'snapshot'
        ? await this.snapshotPage(user, cursor, limit)
        : await this.logPage(user, cursor, limit);
    const fresh = await findUserById(db, user.id);
    if (!fresh) throw ApiError.unauthorized();
    // Key for key what PullResponse declares; `changes` holds JSON texts.
    const head: Omit<PullResponse, 'changes' | 'user' | 'serverTime' | 'historyDays'> = {
      cursor: encodeCursor(page.cursor),
      hasMore: page.hasMore,
    };
    return (
      `{"cursor":${JSON.stringify(head.cursor)},"hasMore":${String(head.hasMore)},` +
      `"changes":[${page.changes.join(',')}],` +
      `"user":${JSON.stringify(toUser(fresh))},` +
      `"serverTime":${JSON.stringify(new Date(this.deps.clock()).toISOString())},` +
      `"historyDays":${String(this.historyDays)}}`
    );
  }

  private async snapshotPage(
    user: UserRow,
    cursor: Extract<PullCursor, { kind: 'snapshot' }>,
    limit: number,
  ): Promise<Page> {
    // Open leads, and closed ones changed within the history window: what the rep works from.
    // An older closed lead that changes later (a repeat inquiry reopens it) is in the change log
    // after this snapshot's `seq`, so it still reaches the app.
    const since = this.deps.clock() - this.historyDays * DAY_MS;
    const rows = await listSnapshotWire(this.deps.readDb, user.id, cursor.after, since, limit + 1);
    const page = rows.slice(0, limit);
    const changes = page.map((row) => row.change);
    const last = page[page.length - 1];
    if (rows.length > limit && last) {
      return { cursor: { ...cursor, after: last.id }, hasMore: true, changes };
    }
    return { cursor: { kind: 'log', seq: cursor.seq }, hasMore: false, changes };
  }

  private async logPage(
    user: UserRow,
    cursor: Extract<PullCursor, { kind: 'log' }>,
    limit: number,
  ): Promise<Page> {
    const db = this.deps.readDb;
    const rows = await listChangesSince(db, user.id, cursor.seq, limit + 1);
    const page = rows.slice(0, limit);
    // One entry per lead, the newest: a lead changed five times is sent once, as it is now.
    const newest = new Map<string, (typeof page)[number]>();
    for (const row of page) {
      newest.delete(row.lead_id);
      newest.set(row.lead_id, row);
    }
    const upserts = [...newest.values()].filter((r) => r.kind === 'upsert').map((r) => r.lead_id);
    const leads = new Map((await findWireByIds(db, upserts)).map((l) => [l.id, l]));
    // Claim mode: a lead offered to this user is theirs to see (not to hold) while the offer is open.
    const notHeld = [...leads.values()].filter((l) => l.assignedTo !== user.id).map((l) => l.id);
    const offered =
      notHeld.length === 0 ? new Set<string>() : await openOffersAmong(db, user.id, notHeld);
    const changes: string[] = [];
    for (const row of newest.values()) {
      if (row.kind === 'revoke') {
        const revoked: SyncChange = {
          type: 'revoked',
          leadId: row.lead_id,
          reason: row.reason ?? 'the lead was moved',
          at: new Date(Number(row.at)).toISOString(),
        };
        changes.push(JSON.stringify(revoked));
        continue;
      }
      const lead = leads.get(row.lead_id);
      // Moved away (or claimed by another) after this entry: its revoke is further on in the
      // log; never send another rep's lead as it is now.
      if (!lead || (lead.assignedTo !== user.id && !offered.has(lead.id))) continue;
      changes.push(lead.change);
    }
    const lastRow = page[page.length - 1];
    return {
      cursor: { kind: 'log', seq: lastRow ? Number(lastRow.seq) : cursor.seq },
      hasMore: rows.length > limit,
      changes,
    };
  }
}

/** A page of changes, each a SyncChange as JSON text. */
interface Page {
  readonly cursor: PullCursor;
  readonly hasMore: boolean;
  readonly changes: string[];
}
