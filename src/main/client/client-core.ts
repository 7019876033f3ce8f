import { EventEmitter } from 'node:events';
import { PlaybookSchema } from '../../shared/playbook-schema';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { uuidv7 } from '../../shared/ids';
import type { Lead } from '../../shared/lead';
import { outcomeEffect } from '../../shared/outcome-effect';
import {
  DEFAULT_PLAYBOOK,
  outcomeProblem,
  type Playbook,
  playbookPriorityOptions,
} from '../../shared/playbook';
import { orderQueue, type PriorityOptions } from '../../shared/priority';
import {
  LeadSchema,
  LoginResponseSchema,
  PLAYBOOK_PATH,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
} from '../../shared/sync-protocol';
import { fieldIssues, describeIssues } from '../../shared/validation';
import {
  ClientCommandSchema,
  type ClientEvent,
  type ExecuteResult,
  type OpenCall,
  type LocalLead,
  type LocalTimelineEntry,
  type QueueItem,
  type RejectedChange,
  type SyncStatus,
} from '../../shared/client-api';
import type { UserRole } from '../../shared/user';
import { BoardRemote } from './board-remote';
import { SyncEngine, type EngineOptions } from './engine';
import { DAY_MS, DEFAULT_HISTORY_DAYS, PRUNE_EVERY_MS, searchKey } from './history';
import { openLocalDb, type LocalDb } from './local-db';
import type { Notifier } from './notifier';
import { leadIdOf, overlay, type PendingMutation } from './overlay';
import type { LocalDatabase } from './schema';
import {
  allPending,
  countOutbox,
  dismissRejected,
  enqueue,
  ensureClientId,
  findLocalLead,
  getState,
  findLocalLeadBodies,
  type LeadKeyRow,
  listLeadKeysByIds,
  listLocalLeadKeys,
  listOpenLeadKeys,
  listRejected,
  pruneHistory,
  searchLocalLeadIds,
  putServerLead,
  revokeLead,
  setState,
  STATE_KEYS,
} from './store';
import { requestJson, TransportError } from './transport';

/*
 * The client core: a rep's local queue that works the same online and offline. Plain Node, no
 * Electron: the desktop app runs it off the UI thread and exposes `execute`, the queries and the
 * event stream over IPC unchanged; the headless client prints the events.
 *
 *   const session = await signIn(serverUrl, email, password);
 *   const core = await ClientCore.open({ dataDir, serverUrl, session, notifier });
 *   core.on((event) => console.log(event));
 *   await core.execute({ type: 'logOutcome', leadId, disposition: 'no_answer' });
 *
 * Or in two steps, so the local queue can be read (and warmed) while the sign-in is still on its
 * way to the server:
 *
 *   const core = await ClientCore.openLocal({ dataDir, userId });
 *   await core.warm();
 *   core.connect({ serverUrl, session, notifier });   // session.user.id must be userId
 */

export interface Session {
  readonly token: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string;
    /** From the login's answer; team leads and admins get the board (absent: not known). */
    readonly role?: UserRole;
  };
}

export class SignInError extends Error {
  constructor(
    readonly code: 'wrong_credentials' | 'unreachable' | 'incompatible' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** Signs in; errors say which of the things a rep can fix went wrong. */
export async function signIn(serverUrl: string, email: string, password: string): Promise<Session> {
  try {
    const res = await requestJson(
      'POST',
      `${serverUrl.replace(/\/$/, '')}/api/v1/auth/login`,
      LoginResponseSchema,
      {
        token: '',
        body: { email, password },
        headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) },
      },
    );
    return { token: res.token, user: res.user };
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    if (error.status === 401) throw new SignInError('wrong_credentials', 'wrong email or password');
    if (error.status === 0) {
      throw new SignInError(
        'unreachable',
        `cannot reach the server at ${serverUrl}: ${error.message}`,
      );
    }
    if (error.status === 426 || error.code === 'incompatible_protocol') {
      throw new SignInError(
        'incompatible',
        `the server at ${serverUrl} speaks another version of the sync protocol (this app speaks ${SYNC_PROTOCOL_VERSION}): update Pounce`,
      );
    }
    if (error.code === 'bad_response' || error.status === 404) {
      throw new SignInError(
        'incompatible',
        `${serverUrl} does not look like a Pounce server this app can talk to`,
      );
    }
    throw new SignInError('refused', error.message);
  }
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly fields: readonly { field: string; message: string }[],
  ) {
    super(message);
  }
}

export interface LocalCoreOptions {
  /** A folder of its own per install; the database file is per user inside it. */
  readonly dataDir: string;
  /** Whose database: the signed-in user's id (the file is named after it). */
  readonly userId: string;
  readonly clock?: () => number;
  /** SQLite extensions to load into the local database (tests count its work with one). */
  readonly sqliteExtensions?: readonly string[];
}

export interface ConnectOptions {
  readonly serverUrl: string;
  readonly session: Session;
  readonly notifier: Notifier;
  /** Sync tuning for tests and benchmarks. */
  readonly engine?: Partial<
    Pick<
      EngineOptions,
      'backoff' | 'fallbackPullMs' | 'liveSilenceMs' | 'toastWindowMs' | 'requestTimeoutMs'
    >
  >;
}

export interface ClientCoreOptions extends Omit<LocalCoreOptions, 'userId'>, ConnectOptions {}

export class ClientCore {
  private readonly events = new EventEmitter();
  private readonly summaryCache = new Map<string, { key: string; summary: LeadSummary }>();
  /** Lead objects an ordering has prepared (prepareInSlices). */
  private readonly preparedLeads = new WeakSet<Lead>();
  private readonly clock: () => number;
  /** Null until `connect`: the local queue can be read before the session is known. */
  private engine: SyncEngine | null = null;
  /** The read of every lead in progress, if any: reads run one after another (summaries). */
  private reading: Promise<unknown> = Promise.resolve();
  /** The server's playbook as last fetched (kept on disk), else the defaults. */
  private playbookNow: Playbook;
  /** The queue's ordering options, from the playbook (one object per playbook: see priority.ts). */
  private priority: PriorityOptions;
  private playbookFetched = false;
  private closed = false;
  /** When history was last pruned (pruneHistory). */
  private prunedAt = Number.NEGATIVE_INFINITY;
  /** Where and as whom this core syncs (set by `connect`): claims go straight to the server. */
  private remote: { readonly serverUrl: string; readonly token: string } | null = null;

  private constructor(
    private readonly local: LocalDb,
    readonly clientId: string,
    readonly userId: string,
    clock: () => number,
    playbook: Playbook,
  ) {
    this.clock = clock;
    this.playbookNow = playbook;
    this.priority = playbookPriorityOptions(playbook);
  }

  /** Opens the user's local database and starts syncing it. */
  static async open(options: ClientCoreOptions): Promise<ClientCore> {
    const core = await ClientCore.openLocal({ ...options, userId: options.session.user.id });
    core.connect(options);
    return core;
  }

  /**
   * Opens (and migrates) the user's local database without syncing: the queue, leads and status
   * can be read; commands are kept in the outbox until `connect`.
   */
  static async openLocal(options: LocalCoreOptions): Promise<ClientCore> {
    const file = join(options.dataDir, `pounce-${safeName(options.userId)}.db`);
    const local = await openLocalDb(file, {
      ...(options.sqliteExtensions && { extensions: options.sqliteExtensions }),
    });
    try {
      const clientId = await ensureClientId(local.db);
      const kept = await getState(local.db, STATE_KEYS.playbook);
      const core = new ClientCore(
        local,
        clientId,
        options.userId,
        options.clock ?? Date.now,
        parsePlaybook(kept) ?? DEFAULT_PLAYBOOK,
      );
      // History that aged out while the app was closed goes before anything reads the leads.
      await core.pruneHistory();
      return core;
    } catch (error) {
      await local.close();
      throw error;
    }
  }

  /** Starts syncing as `session` (its user must be the one whose database this is). */
  connect(options: ConnectOptions): void {
    if (this.engine) throw new Error('the client core is already connected');
    if (options.session.user.id !== this.userId) {
      throw new Error(
        `this database belongs to user ${this.userId}, not ${options.session.user.id}`,
      );
    }
    const engine = new SyncEngine({
      serverUrl: options.serverUrl,
      token: options.session.token,
      clientId: this.clientId,
      db: this.local.db,
      notifier: options.notifier,
      clock: this.clock,
      emit: (event) => this.events.emit('event', event),
      ...options.engine,
    });
    this.engine = engine;
    this.remote = { serverUrl: options.serverUrl, token: options.session.token };
    engine.start();
    const fetchPlaybook = () => {
      if (this.playbookFetched) return;
      this.refreshPlaybook(options.serverUrl, options.session.token).catch((error: unknown) => {
        // Kept (or default) rules go on working; the next time the server is reachable, again.
        if (!(error instanceof TransportError)) console.error('[client] playbook', error);
      });
    };
    this.events.on('event', (event: ClientEvent) => {
      if (event.type === 'online') fetchPlaybook();
      if (event.type === 'synced' && this.clock() - this.prunedAt >= PRUNE_EVERY_MS) {
        this.pruneHistory().catch((error: unknown) => {
          if (!this.closed) console.error('[client] history', error);
        });
      }
    });
    fetchPlaybook();
  }

  /** What outcomes schedule, the retry ladder and calling hours this client works by. */
  get playbook(): Playbook {
    return this.playbookNow;
  }

  /** Fetches the server's playbook; a different one is kept on disk and announced. */
  private async refreshPlaybook(serverUrl: string, token: string): Promise<void> {
    const fetched = await requestJson('GET', `${serverUrl}${PLAYBOOK_PATH}`, PlaybookSchema, {
      token,
    });
    if (this.closed) return;
    this.playbookFetched = true;
    const text = JSON.stringify(fetched);
    if (text === JSON.stringify(this.playbookNow)) return;
    await setState(this.local.db, STATE_KEYS.playbook, text);
    this.playbookNow = fetched;
    this.priority = playbookPriorityOptions(fetched);
    // Views laid over with the old rules (a pending outcome's next step) are made again.
    this.summaryCache.clear();
    this.events.emit('event', { type: 'playbook.changed' } satisfies ClientEvent);
    this.events.emit('event', { type: 'queue.changed' } satisfies ClientEvent);
  }

  /**
   * The rep started a call (the app's "call" key): until its outcome is logged (or the rep says
   * the call did not happen, `cancelCall`), the app keeps them on this lead. Kept on disk, so a
   * restart brings them back to it.
   */
  async startCall(leadId: string): Promise<OpenCall> {
    const open = await this.openCall();
    if (open && open.leadId !== leadId) {
      const other = await findLocalLead(this.local.db, open.leadId);
      const name = other ? (JSON.parse(other.lead) as Lead).name : 'the lead you called';
      throw new CommandError(`log how the call with ${name} went first`, [
        { field: 'leadId', message: 'another call is open' },
      ]);
    }
    if (open) return open;
    const row = await findLocalLead(this.local.db, leadId);
    if (!row) {
      throw new CommandError('no such lead', [{ field: 'leadId', message: 'not in this queue' }]);
    }
    const lead = JSON.parse(row.lead) as Lead;
    if (lead.offer && lead.assignedTo === null) {
      const message = 'claim this lead first: it is offered to the whole team';
      throw new CommandError(message, [{ field: 'leadId', message }]);
    }
    const call: OpenCall = { leadId, startedAt: new Date(this.clock()).toISOString() };
    await setState(this.local.db, STATE_KEYS.openCall, JSON.stringify(call));
    this.events.emit('event', { type: 'call.changed', call } satisfies ClientEvent);
    return call;
  }

  /**
   * Claims a lead offered to the team (claim mode): first to claim wins, so this goes to the
   * server at once, never through the outbox (an offline claim would be a promise nobody can
   * keep). Won: the lead is stored as the server answered and is the rep's. Lost: the lead
   * leaves this queue with why, and a CommandError says it.
   */
  async claimLead(leadId: string): Promise<Lead> {
    const remote = this.remote;
    if (!remote) throw new CommandError('not connected to the server', []);
    const url = `${remote.serverUrl}/api/v1/leads/${encodeURIComponent(leadId)}/claim`;
    let lead: Lead;
    try {
      ({ lead } = await requestJson('POST', url, ClaimResponseSchema, { token: remote.token }));
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const lost = CLAIM_LOST[error.code ?? ''];
      if (lost) {
        await revokeLead(this.local.db, leadId, lost, this.clock());
        this.events.emit('event', {
          type: 'lead.revoked',
          leadId,
          reason: lost,
        } satisfies ClientEvent);
        this.events.emit('event', { type: 'queue.changed' } satisfies ClientEvent);
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
    await putServerLead(this.local.db, lead, null);
    this.events.emit('event', { type: 'queue.changed' } satisfies ClientEvent);
    this.engine?.pullSoon(); // its timeline, and the cursor past this change
    return lead;
  }

  /**
   * The board's calls to the server (team leads and admins: charts, reassign, release, a rep's
   * queue, the pools). Online only, like a claim: see board-remote.ts.
   */
  boardRemote(): BoardRemote {
    const remote = this.remote;
    if (!remote) throw new CommandError('not connected to the server', []);
    return new BoardRemote(remote);
  }

  /** The board missed a delta: a new live connection brings every board's snapshot again. */
  resyncBoard(): void {
    this.engine?.reconnectLive();
  }

  /** The call did not happen (no answer tone, wrong key): nothing to log. */
  async cancelCall(): Promise<void> {
    if (!(await this.openCall())) return;
    await setState(this.local.db, STATE_KEYS.openCall, '');
    this.events.emit('event', { type: 'call.changed', call: null } satisfies ClientEvent);
  }

  async openCall(): Promise<OpenCall | null> {
    return parseOpenCall(await getState(this.local.db, STATE_KEYS.openCall));
  }

  /**
   * Reads every lead once and orders them, so the first `getQueue` only reads what changed
   * since (and the ordering has each lead prepared). Yields to the event loop between batches.
   */
  async warm(): Promise<void> {
    await this.getQueue();
  }

  /**
   * A lead that has left this rep takes nothing more from them: the server refuses every change
   * but the holder's (`not_your_lead`, docs/sync-protocol.md), so it is refused here at once,
   * with why, instead of waiting in the outbox to be rejected. A call still open on it cannot be
   * logged any more, so it ends too (the rep is not kept on a lead that is gone).
   */
  private async refuseOnRevoked(lead: Lead, reason: string): Promise<never> {
    if ((await this.openCall())?.leadId === lead.id) await this.cancelCall();
    const message = `${lead.name} is no longer yours (${reason}): the server takes calls, notes and callbacks on it only from its new owner`;
    throw new CommandError(message, [{ field: 'leadId', message }]);
  }

  /** Subscribes to the event stream; returns the unsubscribe function. */
  on(listener: (event: ClientEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  get db(): Kysely<LocalDatabase> {
    return this.local.db;
  }

  /** The local database's connection, for diagnostics and tests that count its work. */
  get sqlite(): LocalDb['raw'] {
    return this.local.raw;
  }

  /**
   * Deletes history older than the server's window (history.ts): closed leads and leads that
   * left this rep, changed longer ago than `historyDays`. Runs at open and, while the app runs,
   * after a pull at most every hour. Returns how many leads it deleted.
   */
  async pruneHistory(): Promise<number> {
    const now = this.clock();
    this.prunedAt = now;
    const days = Number((await getState(this.local.db, STATE_KEYS.historyDays)) ?? NaN);
    const windowDays = Number.isInteger(days) && days > 0 ? days : DEFAULT_HISTORY_DAYS;
    return pruneHistory(this.local.db, now - windowDays * DAY_MS);
  }

  /**
   * Runs a command: validated, then written with its outbox row in one local transaction (the
   * outbox row is the optimistic change: what the rep sees is the server's copy with the outbox
   * laid over it). Resolves once it is on disk; the push follows on its own.
   */
  async execute(input: unknown): Promise<ExecuteResult> {
    const parsed = ClientCommandSchema.safeParse(input);
    if (!parsed.success) {
      const fields = fieldIssues(parsed.error);
      throw new CommandError(`the command is not valid: ${describeIssues(fields)}`, fields);
    }
    const command = parsed.data;
    const now = this.clock();
    const occurredAt = new Date(now).toISOString();
    let next: ExecuteResult['next'];
    let endsCall = false;
    const view = 'leadId' in command ? await this.getLead(command.leadId) : null;
    if (view && view.revoked !== null) await this.refuseOnRevoked(view.lead, view.revoked.reason);
    if (view && view.revoked === null && view.lead.offer && view.lead.assignedTo === null) {
      // Offered to the team, nobody's yet: the server would refuse it (and a refused outcome
      // is a call lost from the rep's record).
      const message = 'claim this lead first: it is offered to the whole team';
      throw new CommandError(message, [{ field: 'leadId', message }]);
    }
    if (command.type === 'logOutcome') {
      // Refused here rather than by the server later: an outcome in the outbox must be one the
      // server takes (a rejected call would be a call lost from the rep's record).
      const problem = outcomeProblem(this.playbookNow, command.disposition, command.reasonCode);
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
          this.playbookNow,
        ).next;
      }
      endsCall = (await this.openCall())?.leadId === command.leadId;
    }
    const mutationId = await this.local.db.transaction().execute(async (trx) => {
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
          return enqueue(
            trx,
            'setReceivingLeads',
            { receiving: command.receiving },
            occurredAt,
            now,
          );
      }
    });
    this.events.emit('event', {
      type: 'queued',
      mutationId,
      name: command.type,
    } satisfies ClientEvent);
    this.events.emit('event', { type: 'queue.changed' } satisfies ClientEvent);
    if (endsCall)
      this.events.emit('event', { type: 'call.changed', call: null } satisfies ClientEvent);
    this.engine?.pushSoon();
    return next === undefined ? { mutationId } : { mutationId, next };
  }

  /** The rep's queue in priority order (revoked and finished leads are not in it). */
  async getQueue(now = this.clock()): Promise<QueueItem[]> {
    const views = await this.summaries('queue');
    const byId = new Map(views.filter((v) => v.revoked === null).map((v) => [v.lead.id, v]));
    const leads = [...byId.values()].map((v) => v.lead);
    await this.prepareInSlices(leads, now);
    const order = orderQueue(leads, now, this.priority);
    return order.rows.flatMap((row) => {
      const view = byId.get(row.id);
      return view ? [{ lead: view.lead, row, pending: view.pending }] : [];
    });
  }

  /**
   * The ordering remembers per lead object what does not depend on the time (dates parsed, the
   * zone found, often from the phone number, the place on the retry ladder; priority.ts). Leads
   * it has not seen, thousands at a first read, are ordered a slice at a time first, yielding in
   * between, so that work never holds the event loop in one piece (the order itself comes from
   * the one ordering of all of them that follows).
   */
  private async prepareInSlices(leads: readonly Lead[], now: number): Promise<void> {
    const fresh = leads.filter((lead) => !this.preparedLeads.has(lead));
    if (fresh.length > ORDER_SLICE) {
      for (let i = 0; i < fresh.length; i += ORDER_SLICE) {
        orderQueue(fresh.slice(i, i + ORDER_SLICE), now, this.priority);
        await yieldToEventLoop();
      }
    }
    for (const lead of fresh) this.preparedLeads.add(lead);
  }

  /**
   * Every lead this client holds (including revoked ones, with why), as the rep sees them,
   * without timelines (getLead has the whole lead).
   */
  async listLeads(): Promise<LeadSummary[]> {
    return this.summaries('all');
  }

  /**
   * Leads this app holds (open, and history within the window; not revoked) whose name, company
   * or email holds `query` (accents and case aside), or whose phone holds its digits (3 or more),
   * newest first. Found in SQL on short folded columns: the history is never parsed for it.
   * Older history is on the server only (docs/sync-protocol.md, "History").
   */
  async searchLeads(query: string, limit: number): Promise<LeadSummary[]> {
    const ids = await searchLocalLeadIds(
      this.local.db,
      searchKey(query),
      query.replace(/\D/g, ''),
      limit,
    );
    if (ids.length === 0) return [];
    const byLead = pendingByLead(await allPending(this.local.db));
    const rows = await findLocalLeadBodies(
      this.local.db,
      ids,
      new Set(ids.filter((id) => byLead.has(id))),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.summaryOf(row, byLead.get(id) ?? [])] : [];
    });
  }

  private summaryOf(
    row: {
      lead: string;
      timeline: string | null;
      revoked_reason: string | null;
      revoked_at: number | null;
    },
    pending: PendingMutation[],
  ): LeadSummary {
    const timeline =
      row.timeline === null ? [] : (JSON.parse(row.timeline) as LocalTimelineEntry[]);
    const view = overlay(JSON.parse(row.lead) as Lead, timeline, pending, this.playbookNow);
    return { lead: view.lead, pending: view.pending, revoked: revokedOf(row) };
  }

  async getLead(id: string): Promise<LocalLead | null> {
    const row = await findLocalLead(this.local.db, id);
    if (!row) return null;
    const pending = (await allPending(this.local.db)).filter((m) => leadIdOf(m) === id);
    return toView(row, pending, this.playbookNow);
  }

  async getStatus(): Promise<SyncStatus> {
    const db = this.local.db;
    const receiving = await getState(db, STATE_KEYS.receivingLeads);
    return {
      online: this.engine?.isOnline ?? false,
      lastSyncAt: await getState(db, STATE_KEYS.lastSyncAt),
      pending: await countOutbox(db),
      rejected: (await listRejected(db)).length,
      receivingLeads: receiving === null ? null : receiving === 'true',
      stopped: this.engine?.stopped ?? null,
      skipped: Number((await getState(db, STATE_KEYS.skippedChanges)) ?? 0),
      openCall: await this.openCall(),
    };
  }

  async listRejected(): Promise<RejectedChange[]> {
    const rows = await listRejected(this.local.db);
    return Promise.all(
      rows.map(async (r) => {
        const args = JSON.parse(r.args) as Record<string, unknown>;
        const leadId = typeof args.leadId === 'string' ? args.leadId : null;
        const row = leadId === null ? undefined : await findLocalLead(this.local.db, leadId);
        return {
          mutationId: Number(r.mutation_id),
          name: r.name,
          args,
          code: r.code,
          message: r.message,
          at: new Date(Number(r.at)).toISOString(),
          ...(row && { leadName: (JSON.parse(row.lead) as Lead).name }),
        };
      }),
    );
  }

  async dismissRejected(mutationId: number): Promise<void> {
    await dismissRejected(this.local.db, z.number().int().parse(mutationId));
  }

  /** Pull now (the app's "sync now"). */
  syncNow(): void {
    this.engine?.pullSoon();
    this.engine?.pushSoon();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engine?.stop();
    // A read in flight finishes (or fails) before the database goes.
    await this.reading.catch(() => undefined);
    await this.local.close();
  }

  /**
   * Every lead as the rep sees it, without timelines: the queue and search read only this. A
   * read costs one narrow query (ids and change keys) plus the rows that changed since the last
   * one; unchanged leads are the same objects as before (the priority code remembers work per
   * lead object). Timelines are parsed only where a pending change needs them (overlay.ts).
   *
   * A first read parses every lead (5,000 leads: ~100 ms of synchronous SQLite and JSON.parse),
   * so it yields to the event loop between batches: a request as small as session.get is not
   * kept waiting behind it. Reads run one after another, so two callers never parse the same
   * leads twice.
   */
  private summaries(scope: 'queue' | 'all'): Promise<LeadSummary[]> {
    const run = this.reading.then(() => this.readSummaries(scope));
    this.reading = run.catch(() => undefined);
    return run;
  }

  /**
   * The change keys of what `scope` covers. The queue: the open leads (by index: closed history
   * is never read) and any lead an outbox row is laid over (its pending change may reopen it).
   */
  private async leadKeys(
    scope: 'queue' | 'all',
    byLead: ReadonlyMap<string, PendingMutation[]>,
  ): Promise<LeadKeyRow[]> {
    if (scope === 'all') return listLocalLeadKeys(this.local.db);
    const open = await listOpenLeadKeys(this.local.db);
    const have = new Set(open.map((r) => r.id));
    const more = [...byLead.keys()].filter((id) => !have.has(id));
    return more.length === 0 ? open : [...open, ...(await listLeadKeysByIds(this.local.db, more))];
  }

  private async readSummaries(scope: 'queue' | 'all'): Promise<LeadSummary[]> {
    const byLead = pendingByLead(await allPending(this.local.db));
    const keys = await this.leadKeys(scope, byLead);
    const out: (LeadSummary | null)[] = [];
    const misses: { index: number; id: string; key: string; pending: PendingMutation[] }[] = [];
    const seen = new Set<string>();
    for (const row of keys) {
      seen.add(row.id);
      const pendingHere = byLead.get(row.id) ?? [];
      const key = `${row.server_updated_at}|${row.lead_length}|${row.timeline_length}|${row.revoked_at ?? ''}|${pendingHere.map((m) => `${m.mutationId}${m.acked ? 'a' : ''}`).join(',')}`;
      const cached = this.summaryCache.get(row.id);
      if (cached?.key === key) {
        out.push(cached.summary);
      } else {
        misses.push({ index: out.length, id: row.id, key, pending: pendingHere });
        out.push(null);
      }
    }
    for (let i = 0; i < misses.length; i += MISS_BATCH) {
      if (misses.length > MISS_BATCH) await yieldToEventLoop();
      const batch = misses.slice(i, i + MISS_BATCH);
      const rows = new Map(
        (
          await findLocalLeadBodies(
            this.local.db,
            batch.map((m) => m.id),
            new Set(batch.filter((m) => m.pending.length > 0).map((m) => m.id)),
          )
        ).map((r) => [r.id, r]),
      );
      for (const miss of batch) {
        const row = rows.get(miss.id);
        if (!row) continue; // deleted between the two reads: gone from this answer too
        const summary = this.summaryOf(row, miss.pending);
        // The cache holds the queue's leads only: history read for a whole list is not kept.
        if (scope === 'queue') this.summaryCache.set(miss.id, { key: miss.key, summary });
        out[miss.index] = summary;
      }
    }
    if (scope === 'queue') {
      for (const id of this.summaryCache.keys()) if (!seen.has(id)) this.summaryCache.delete(id);
    }
    return out.filter((v): v is LeadSummary => v !== null);
  }
}

/** The outbox rows laid over each lead, by lead id. */
function pendingByLead(pending: readonly PendingMutation[]): Map<string, PendingMutation[]> {
  const byLead = new Map<string, PendingMutation[]>();
  for (const m of pending) {
    const id = leadIdOf(m);
    if (!id) continue;
    const list = byLead.get(id);
    if (list) list.push(m);
    else byLead.set(id, [m]);
  }
  return byLead;
}

/** Rows read per query when many leads changed at once (a first sync, a first read). */
const MISS_BATCH = 100;
/** Leads prepared per slice before a first ordering (prepareInSlices). */
const ORDER_SLICE = 200;

/**
 * Lets timers and I/O (a socket's next request, an answer from the server) run before going
 * on. better-sqlite3 is synchronous, so a chain of awaited queries is a chain of microtasks that
 * never gives the event loop a turn; setImmediate does (after I/O, before the next timers).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A lead as the rep sees it, without its timeline (lead.get has that). */
export interface LeadSummary {
  readonly lead: Lead;
  readonly pending: number;
  readonly revoked: LocalLead['revoked'];
}

function revokedOf(row: {
  revoked_reason: string | null;
  revoked_at: number | null;
}): LocalLead['revoked'] {
  return row.revoked_reason === null
    ? null
    : { reason: row.revoked_reason, at: new Date(Number(row.revoked_at ?? 0)).toISOString() };
}

function toView(
  row: { lead: string; timeline: string; revoked_reason: string | null; revoked_at: number | null },
  pending: readonly PendingMutation[],
  playbook: Playbook,
): LocalLead {
  const server = JSON.parse(row.lead) as Lead;
  const timeline = JSON.parse(row.timeline) as LocalTimelineEntry[];
  const view = overlay(server, timeline, pending, playbook);
  return {
    lead: view.lead,
    timeline: view.timeline,
    pending: view.pending,
    revoked: revokedOf(row),
  };
}

/** A kept playbook, or null when there is none or it no longer parses (then the defaults). */
function parsePlaybook(text: string | null): Playbook | null {
  if (!text) return null;
  try {
    const parsed = PlaybookSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
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

const ClaimResponseSchema = z.object({ lead: LeadSchema });

/** Claims that lost: the lead leaves this rep's queue with this reason. */
const CLAIM_LOST: Readonly<Record<string, string>> = {
  already_claimed: 'a teammate claimed it first',
  offer_expired: 'the offer ended before you claimed it',
};

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
