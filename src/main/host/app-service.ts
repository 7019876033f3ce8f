// Just over 400 lines: the handler table has one entry per app method, kept in one place to read.
import { join } from 'node:path';
import { z } from 'zod';
import {
  type AppEvent,
  type AppMethod,
  type AppQueueItem,
  AppRequestEnvelopeSchema,
  AppRequestSchemas,
  type AppResult,
  type AppResults,
  type AppSession,
  type AppSettings,
} from '../../shared/app-api';
import { openExternalSafely } from '../../shared/external-links';
import { nextStepText } from '../../shared/outcome-effect';
import type { UserRole } from '../../shared/user';
import { ClientCore, type ConnectOptions, signIn } from '../client/client-core';
import type { BoardRemote } from '../client/board-remote';
import type { Notifier } from '../client/notifier';
import { requestJson } from '../client/transport';
import { AppFailure, failure, invalid, toAppError } from './app-errors';
import { BoardKeeper } from './board-keeper';
import { CountsReporter } from './counts-reporter';
import type { SecretStore, StoredSession } from './host-protocol';
import { LastUserFile } from './last-user-file';
import { orderQueueOf, QueueOrdering, queueLead, shapedAt } from './ordered-queue';
import { allowedServerUrl, reopenableSession } from './session-address';
import { SettingsFile } from './settings-file';
import { settingsNotifier } from './settings-notifier';
import { WarmUp } from './warm-up';

/*
 * Everything the desktop app does for its window, in plain Node: the session, the client core,
 * and the one entry point every renderer request goes through (`handle`), which validates it
 * against src/shared/app-api.ts and never throws. The Electron shell only carries messages to
 * and from it (over IPC, from a utility process); the E2E tests carry the same messages over a
 * WebSocket; neither adds logic. The parts it keeps are modules of their own: the ordered queue
 * (ordered-queue.ts), the tray's counts (counts-reporter.ts), the last user's queue opened ahead
 * of sign-in (warm-up.ts), the settings (settings-file.ts) and the team boards (board-keeper.ts).
 */

export interface AppServiceOptions {
  /** The app's data folder; each user's local database lives inside it. */
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly notifier: Notifier;
  /** Hands an allowed URL to the OS (the app: shell.openExternal; tests: a recorder). */
  readonly openExternal: (url: string) => void | Promise<void>;
  readonly clock?: () => number;
  readonly engine?: ConnectOptions['engine'];
  /** How long queue changes are gathered before one `queue.counts` event. Default 250 ms. */
  readonly countsDebounceMs?: number;
  /** The least time between two `board.changed` events. Default 100 ms. */
  readonly boardCoalesceMs?: number;
}

type Handler<M extends AppMethod> = (
  params: z.output<(typeof AppRequestSchemas)[M]>,
) => Promise<AppResults[M]>;

export class AppService {
  private core: ClientCore | null = null;
  private session: StoredSession | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private readonly clock: () => number;
  /** Requests run one after another: a sign-out never races the command before it. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly settings: SettingsFile;
  private readonly queue: QueueOrdering;
  private readonly counts: CountsReporter;
  /** The last user's local queue, opened ahead of their sign-in. */
  private readonly warmUp: WarmUp;
  private readonly lastUser: LastUserFile;
  /** The signed-in user's role: from the sign-in, else from the server once connected. */
  private role: UserRole | null = null;
  /** The boards of a team lead or admin (empty for a rep); one per signed-in core. */
  private board: BoardKeeper | null = null;
  /** The toasts the core asks for, through the rep's settings. */
  private readonly toasts: Notifier;

  private constructor(private readonly options: AppServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.settings = new SettingsFile(join(options.dataDir, 'settings.json'));
    this.toasts = settingsNotifier(() => this.settings.value, options.notifier);
    this.lastUser = new LastUserFile(join(options.dataDir, LAST_USER_FILE));
    this.queue = new QueueOrdering(this.clock, (core) => this.core === core);
    this.counts = new CountsReporter({
      debounceMs: options.countsDebounceMs ?? 250,
      current: () => this.core,
      ordered: (core) => this.queue.get(core),
      emit: (event) => this.emit(event),
    });
    this.warmUp = new WarmUp({
      dataDir: options.dataDir,
      clock: this.clock,
      ...(options.clock && { coreClock: options.clock }),
    });
  }

  /**
   * Starts the service; signed in again at once when a session was kept (and the queue is
   * ordered right away, for the window's first request). Signed out, the queue of the user who
   * was signed in last on this machine is opened and read in the background, so that when they
   * sign in again their queue is ready as soon as the server says yes.
   */
  static async start(options: AppServiceOptions): Promise<AppService> {
    const service = new AppService(options);
    await service.settings.load();
    const kept = await reopenableSession(options.secrets);
    if (kept) {
      try {
        await service.openCore(kept);
      } catch (error) {
        // An unreadable local database must not keep the window from opening: the rep lands on
        // the sign-in screen, and signing in again reports what is wrong.
        console.error('[app] could not reopen the kept session', error);
        await service.closeCore();
      }
    } else {
      const last = await service.lastUser.read();
      if (last !== null) service.warmUp.prewarm(last);
    }
    return service;
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One renderer request, validated; the answer is always a result, never a throw. */
  handle(envelope: unknown): Promise<AppResult<AppMethod>> {
    const run = this.tail.then(() => this.dispatch(envelope));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** The settings as they are now (main applies startAtLogin; the notifier reads the rest). */
  currentSettings(): AppSettings {
    return this.settings.value;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.closeCore();
    await this.warmUp.drop();
    this.counts.close();
    this.listeners.clear();
  }

  private async dispatch(envelope: unknown): Promise<AppResult<AppMethod>> {
    const outer = AppRequestEnvelopeSchema.safeParse(envelope);
    if (!outer.success) return failure(invalid(outer.error));
    const method = outer.data.method;
    if (!Object.hasOwn(AppRequestSchemas, method)) {
      return failure({ code: 'unknown_method', message: `there is no method "${method}"` });
    }
    const m = method as AppMethod;
    const params = AppRequestSchemas[m].safeParse(outer.data.params ?? {});
    if (!params.success) return failure(invalid(params.error));
    try {
      const handler = this.handlers[m] as Handler<AppMethod>;
      return { ok: true, value: await handler(params.data) };
    } catch (error) {
      return failure(toAppError(error));
    }
  }

  private readonly handlers: { [M in AppMethod]: Handler<M> } = {
    'session.get': () => Promise.resolve(this.publicSession()),
    'session.signIn': async ({ serverUrl, email, password, allowInsecureHttp }) => {
      const url = allowedServerUrl(serverUrl, allowInsecureHttp === true);
      // The login costs the server its password hashing (~140 ms of scrypt): meanwhile the last
      // user's queue, opened at start or at sign-out, is ordered (yielding as it goes, so the
      // answer is taken the moment it comes).
      this.warmUp.beginOrdering();
      const session = await signIn(url, email, password);
      await this.closeCore();
      this.role = session.user.role ?? null;
      const { id, email: userEmail, name } = session.user;
      const stored: StoredSession = {
        serverUrl: url,
        token: session.token,
        user: { id, email: userEmail, name },
      };
      await this.options.secrets.save(stored);
      await this.openCore(stored);
      const pub = this.publicSession();
      if (!pub) throw new Error('signed in without a session');
      return pub;
    },
    'session.signOut': async () => {
      const session = this.session;
      await this.closeCore();
      await this.options.secrets.clear();
      if (session) {
        // Ends the token on the server too; offline, it simply expires there.
        await requestJson('POST', `${session.serverUrl}/api/v1/auth/logout`, z.unknown(), {
          token: session.token,
          timeoutMs: 3000,
        }).catch(() => undefined);
      }
      this.emit({ type: 'session.changed', session: null });
      // The one most likely to sign in next on this machine.
      if (session) this.warmUp.prewarm(session.user.id);
      return null;
    },
    'queue.get': async ({ offset = 0, limit, selectedId }) => {
      const queue = await this.queue.get(this.signedIn());
      const total = queue.items.length;
      const end = Math.min(total, limit === undefined ? total : offset + limit);
      const items: AppQueueItem[] = [];
      for (let i = offset; i < end; i++) items.push(shapedAt(queue, i));
      const index = selectedId === undefined ? undefined : queue.index.get(selectedId);
      return {
        at: queue.at,
        items,
        offset,
        total,
        selected: index === undefined ? null : { index, item: shapedAt(queue, index) },
        counts: queue.counts,
      };
    },
    'lead.get': ({ id }) => this.signedIn().getLead(id),
    'lead.command': async (command) => {
      const core = this.signedIn();
      const { mutationId, next } = await core.execute(command);
      return next === undefined
        ? { mutationId }
        : { mutationId, scheduled: nextStepText(next, this.clock(), core.playbook) };
    },
    'lead.claim': async ({ leadId }) => {
      await this.signedIn().claimLead(leadId);
      return null;
    },
    'call.start': ({ leadId }) => this.signedIn().startCall(leadId),
    'call.cancel': async () => {
      await this.signedIn().cancelCall();
      return null;
    },
    'playbook.get': () => Promise.resolve(this.signedIn().playbook),
    'status.get': () => this.signedIn().getStatus(),
    'rejected.list': () => this.signedIn().listRejected(),
    'rejected.dismiss': async ({ mutationId }) => {
      await this.signedIn().dismissRejected(mutationId);
      return null;
    },
    'sync.now': () => {
      this.signedIn().syncNow();
      return Promise.resolve(null);
    },
    'leads.search': async ({ query, limit = 50 }) => {
      // Newest first (the lead a rep searches for is usually one from today), found in SQL.
      const found = await this.signedIn().searchLeads(query, limit);
      return found.map((view) => queueLead(view.lead));
    },
    'settings.get': () => Promise.resolve(this.settings.value),
    'settings.set': async (patch) => {
      const next = await this.settings.update(patch);
      this.emit({ type: 'settings.changed', settings: next });
      return next;
    },
    'board.get': () => Promise.resolve(this.boardKeeper().state()),
    'board.charts': ({ teamId, days = 14 }) => this.boardRemote().charts(teamId, days),
    'board.reassign': ({ leadId, toUserId }) => this.boardRemote().reassign(leadId, toUserId),
    'board.release': ({ leadId }) => this.boardRemote().release(leadId),
    'board.repQueue': async ({ repId }) => ({
      repId,
      items: await this.boardRemote().repQueue(repId),
    }),
    'board.pool': async ({ teamId, status }) => ({
      teamId,
      status,
      leads: await this.boardRemote().pool(teamId, status),
    }),
    'link.open': ({ url }) => {
      const opened = openExternalSafely(url, this.options.openExternal);
      if (!opened) {
        throw new AppFailure({
          code: 'link_refused',
          message: 'only tel:, callto:, mailto: and https: links can be opened',
        });
      }
      return Promise.resolve({ opened });
    },
  };

  private signedIn(): ClientCore {
    if (!this.core) throw new AppFailure({ code: 'not_signed_in', message: 'sign in first' });
    return this.core;
  }

  private boardKeeper(): BoardKeeper {
    this.signedIn();
    if (!this.board) throw new AppFailure({ code: 'not_signed_in', message: 'sign in first' });
    return this.board;
  }

  private boardRemote(): BoardRemote {
    return this.signedIn().boardRemote();
  }

  private publicSession(): AppSession | null {
    if (!this.session) return null;
    const { id, email, name } = this.session.user;
    const role = this.role;
    return {
      serverUrl: this.session.serverUrl,
      user: role === null ? { id, email, name } : { id, email, name, role },
    };
  }

  /** The server said who the user is (each connect): a new role re-renders the page. */
  private noteRole(role: UserRole): void {
    if (this.role === role) return;
    this.role = role;
    this.board?.setRole(role);
    this.emit({ type: 'session.changed', session: this.publicSession() });
  }

  private async openCore(session: StoredSession): Promise<void> {
    const userId = session.user.id;
    const warm = await this.warmUp.take(userId);
    const core =
      warm?.core ??
      (await ClientCore.openLocal({
        dataDir: this.options.dataDir,
        userId,
        ...(this.options.clock && { clock: this.options.clock }),
      }));
    try {
      core.connect({
        serverUrl: session.serverUrl,
        session: { token: session.token, user: session.user },
        notifier: this.toasts,
        ...(this.options.engine && { engine: this.options.engine }),
      });
    } catch (error) {
      await core.close();
      throw error;
    }
    this.core = core;
    this.session = session;
    const board = new BoardKeeper({
      remote: () => (this.core === core ? core.boardRemote() : null),
      resync: () => core.resyncBoard(),
      emit: (state) => this.emit({ type: 'board.changed', board: state }),
      ...(this.options.boardCoalesceMs !== undefined && {
        coalesceMs: this.options.boardCoalesceMs,
      }),
    });
    board.setRole(this.role);
    this.board = board;
    this.unsubscribe = core.on((event) => {
      board.onEvent(event);
      // Folded into the boards (the page gets `board.changed`), and the role into the session.
      if (event.type === 'board.message') return;
      if (event.type === 'user.changed') {
        this.noteRole(event.role);
        return;
      }
      if (QUEUE_EVENTS.has(event.type)) {
        this.queue.drop();
        this.counts.soon();
      }
      this.emit(event);
    });
    this.emit({ type: 'session.changed', session: this.publicSession() });
    // Ordered while the sign-in was on its way (nothing can have changed it: the core was not
    // syncing), or now, not when the window asks: its first queue.get then finds it ready (or
    // in flight), and the tray's count comes with it.
    const ordered = warm?.ordering;
    if (ordered) {
      void this.queue.keep(
        core,
        ordered.then((o) => o ?? orderQueueOf(core, this.clock())),
      );
    }
    this.counts.now(core);
    void this.lastUser.remember(userId);
  }

  private async closeCore(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.board?.close();
    this.board = null;
    this.role = null;
    const core = this.core;
    this.core = null;
    this.session = null;
    this.counts.forget();
    this.queue.drop();
    await core?.close();
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener (a closed window) must not stop the others or the core.
        console.error('[app] event listener failed', error);
      }
    }
  }
}

/**
 * Client events after which the queue may hold other leads or other states (the engine sends
 * `queue.changed` after a pull or a push that changed anything).
 */
const QUEUE_EVENTS: ReadonlySet<string> = new Set([
  'lead.assigned',
  'lead.revoked',
  'queue.changed',
]);

/** In the data folder: who signed in last (`{ "userId": ... }`), for the warm-up. */
const LAST_USER_FILE = 'last-user.json';
