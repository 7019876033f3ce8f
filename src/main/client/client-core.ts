import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type {
  ClientEvent,
  ExecuteResult,
  LocalLead,
  OpenCall,
  QueueItem,
  RejectedChange,
  SyncStatus,
} from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import type { Playbook } from '../../shared/playbook';
import { BoardRemote, type Remote } from './board-remote';
import { Calls } from './calls';
import { claimLead } from './claims';
import { CommandError } from './command-error';
import { executeCommand } from './commands';
import type { CoreContext } from './core-context';
import { SyncEngine, type EngineOptions } from './engine';
import { DAY_MS, DEFAULT_HISTORY_DAYS, PRUNE_EVERY_MS } from './history';
import { LeadReads, type LeadSummary } from './lead-reads';
import { openLocalDb, type LocalDb } from './local-db';
import type { Notifier } from './notifier';
import { PlaybookKeeper } from './playbook-keeper';
import type { Session } from './sign-in';
import type { LocalDatabase } from './schema';
import { findLocalLead, pruneHistory } from './lead-store';
import { countOutbox, dismissRejected, listRejected } from './outbox-store';
import { ensureClientId, getState, STATE_KEYS } from './state-store';
import { TransportError } from './transport';

// The client core's public entry: what the app service, the headless client, tests and
// benchmarks import. Each concern is a module of its own; these are re-exported from here.
export { CommandError } from './command-error';
export type { LeadSummary } from './lead-reads';
export { signIn, SignInError, type Session } from './sign-in';

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
 *
 * What it is made of: sign-in.ts (the session), playbook-keeper.ts (the rules it works by),
 * lead-reads.ts (the queue, list, search and one lead), commands.ts (a command into the outbox),
 * calls.ts (the open call), claims.ts and board-remote.ts (online-only calls to the server),
 * engine.ts (push, pull and the live channel).
 */

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
  private readonly context: CoreContext;
  private readonly reads: LeadReads;
  private readonly calls: Calls;
  /** Null until `connect`: the local queue can be read before the session is known. */
  private engine: SyncEngine | null = null;
  private closed = false;
  /** When history was last pruned (pruneHistory). */
  private prunedAt = Number.NEGATIVE_INFINITY;
  /** Where and as whom this core syncs (set by `connect`): claims go straight to the server. */
  private remote: Remote | null = null;

  private constructor(
    private readonly local: LocalDb,
    readonly clientId: string,
    readonly userId: string,
    private readonly clock: () => number,
    private readonly playbookKeeper: PlaybookKeeper,
  ) {
    this.context = {
      db: local.db,
      clock,
      emit: (event) => this.events.emit('event', event),
    };
    this.reads = new LeadReads({
      db: local.db,
      playbook: () => playbookKeeper.current,
      priority: () => playbookKeeper.priority,
    });
    this.calls = new Calls(this.context);
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
      const playbook = await PlaybookKeeper.load(local.db);
      const core = new ClientCore(
        local,
        clientId,
        options.userId,
        options.clock ?? Date.now,
        playbook,
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
      emit: this.context.emit,
      ...options.engine,
    });
    this.engine = engine;
    this.remote = { serverUrl: options.serverUrl, token: options.session.token };
    engine.start();
    const fetchPlaybook = () => {
      if (this.playbookKeeper.fetched) return;
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
    return this.playbookKeeper.current;
  }

  /** Fetches the server's playbook; a different one is kept on disk and announced. */
  private async refreshPlaybook(serverUrl: string, token: string): Promise<void> {
    const changed = await this.playbookKeeper.refresh(serverUrl, token, () => !this.closed);
    if (!changed) return;
    // Views laid over with the old rules (a pending outcome's next step) are made again.
    this.reads.forget();
    this.context.emit({ type: 'playbook.changed' });
    this.context.emit({ type: 'queue.changed' });
  }

  /** See calls.ts: until its outcome is logged, the app keeps the rep on this lead. */
  startCall(leadId: string): Promise<OpenCall> {
    return this.calls.start(leadId);
  }

  /** The call did not happen (no answer tone, wrong key): nothing to log. */
  cancelCall(): Promise<void> {
    return this.calls.cancel();
  }

  openCall(): Promise<OpenCall | null> {
    return this.calls.open();
  }

  /** Claims a lead offered to the team, online only (claims.ts). */
  claimLead(leadId: string): Promise<Lead> {
    return claimLead(this.context, this.remote, leadId, () => this.engine?.pullSoon());
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

  /**
   * Reads every lead once and orders them, so the first `getQueue` only reads what changed
   * since (and the ordering has each lead prepared). Yields to the event loop between batches.
   */
  async warm(): Promise<void> {
    await this.getQueue();
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

  /** Runs a command into the outbox (commands.ts); resolves once it is on disk. */
  execute(input: unknown): Promise<ExecuteResult> {
    return executeCommand(
      {
        ...this.context,
        calls: this.calls,
        playbook: () => this.playbookKeeper.current,
        getLead: (id) => this.getLead(id),
        pushSoon: () => this.engine?.pushSoon(),
      },
      input,
    );
  }

  /** The rep's queue in priority order (revoked and finished leads are not in it). */
  getQueue(now = this.clock()): Promise<QueueItem[]> {
    return this.reads.getQueue(now);
  }

  /** Every lead this client holds (revoked ones too, with why), without timelines. */
  listLeads(): Promise<LeadSummary[]> {
    return this.reads.listLeads();
  }

  /** Leads held here matching `query`, newest first (lead-reads.ts). */
  searchLeads(query: string, limit: number): Promise<LeadSummary[]> {
    return this.reads.searchLeads(query, limit);
  }

  getLead(id: string): Promise<LocalLead | null> {
    return this.reads.getLead(id);
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
    await this.reads.settled();
    await this.local.close();
  }
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
