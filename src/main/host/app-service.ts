import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type AppError,
  type AppEvent,
  type AppMethod,
  type AppQueueItem,
  AppRequestEnvelopeSchema,
  AppRequestSchemas,
  type AppResult,
  type AppResults,
  type AppSession,
  type AppSettings,
  type QueueCounts,
  type QueueLead,
} from '../../shared/app-api';
import type { QueueItem } from '../../shared/client-api';
import type { Lead } from '../../shared/lead';
import { nextStepText } from '../../shared/outcome-effect';
import type { UserRole } from '../../shared/user';
import { plainRow } from '../../shared/priority';
import { serverAddressPolicy } from '../../shared/server-address';
import { fieldIssues } from '../../shared/validation';
import { openExternalSafely } from '../../shared/external-links';
import {
  ClientCore,
  type ConnectOptions,
  CommandError,
  signIn,
  SignInError,
} from '../client/client-core';
import type { BoardRemote } from '../client/board-remote';
import type { Notifier, Toast } from '../client/notifier';
import { requestJson } from '../client/transport';
import { BoardKeeper } from './board-keeper';
import { type SecretStore, type StoredSession, StoredSessionSchema } from './host-protocol';
import { SettingsFile } from './settings-file';

/*
 * Everything the desktop app does for its window, in plain Node: the session, the client core,
 * and the one entry point every renderer request goes through (`handle`), which validates it
 * against src/shared/app-api.ts and never throws. The Electron shell only carries messages to
 * and from it (over IPC, from a utility process); the E2E tests carry the same messages over a
 * WebSocket; neither adds logic.
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
  private countsTimer: NodeJS.Timeout | null = null;
  private lastCounts: QueueCounts | null = null;
  private ordered: OrderedQueue | null = null;
  private ordering: Promise<OrderedQueue> | null = null;
  /** The last user's local queue, opened ahead of their sign-in (see `prewarm`). */
  private warm: Warm | null = null;
  private readonly lastUserFile: string;
  /** The signed-in user's role: from the sign-in, else from the server once connected. */
  private role: UserRole | null = null;
  /** The boards of a team lead or admin (empty for a rep); one per signed-in core. */
  private board: BoardKeeper | null = null;

  private constructor(private readonly options: AppServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.settings = new SettingsFile(join(options.dataDir, 'settings.json'));
    this.lastUserFile = join(options.dataDir, LAST_USER_FILE);
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
    const kept = await options.secrets.load().catch(() => null);
    const parsed = StoredSessionSchema.safeParse(kept);
    const keptAddress = parsed.success ? serverAddressPolicy(parsed.data.serverUrl) : null;
    if (keptAddress && !keptAddress.ok) {
      // Kept by an older app that signed in over http:// to anywhere: its token is not sent
      // again in the clear; the rep signs in again (over https://).
      console.warn(`[app] the kept session's server address ${keptAddress.reason}: signed out`);
      await options.secrets.clear().catch(() => undefined);
    }
    if (parsed.success && keptAddress?.ok === true) {
      try {
        await service.openCore(parsed.data);
      } catch (error) {
        // An unreadable local database must not keep the window from opening: the rep lands on
        // the sign-in screen, and signing in again reports what is wrong.
        console.error('[app] could not reopen the kept session', error);
        await service.closeCore();
      }
    } else {
      const last = await service.readLastUser();
      if (last !== null) service.prewarm(last);
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
    await this.dropWarm();
    if (this.countsTimer) clearTimeout(this.countsTimer);
    this.countsTimer = null;
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
      this.orderWarm();
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
      if (session) this.prewarm(session.user.id);
      return null;
    },
    'queue.get': async ({ offset = 0, limit, selectedId }) => {
      const queue = await this.orderedQueue(this.signedIn());
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
    const warm = await this.takeWarm(userId);
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
        notifier: this.notifier,
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
        // Also drops an ordering in flight: it may have read the queue before this change.
        this.ordered = null;
        this.ordering = null;
        this.countsSoon();
      }
      this.emit(event);
    });
    this.emit({ type: 'session.changed', session: this.publicSession() });
    // Ordered while the sign-in was on its way (nothing can have changed it: the core was not
    // syncing), or now, not when the window asks: its first queue.get then finds it ready (or
    // in flight), and the tray's count comes with it.
    const ordered = warm?.ordering;
    if (ordered) {
      void this.keepOrdering(
        core,
        ordered.then((o) => o ?? orderQueueOf(core, this.clock())),
      );
    }
    this.countsNow(core);
    void this.rememberLastUser(userId);
  }

  /**
   * Opens `userId`'s local database and reads their queue in the background (yielding as it
   * goes), without syncing: nothing is sent anywhere until they sign in again, when the core is
   * connected with the new session (openCore). Another user signing in closes it.
   */
  private prewarm(userId: string): void {
    if (this.warm?.userId === userId) return;
    void this.dropWarm();
    const opened = ClientCore.openLocal({
      dataDir: this.options.dataDir,
      userId,
      ...(this.options.clock && { clock: this.options.clock }),
    }).catch((error: unknown) => {
      // Signing in opens it again, and says what is wrong.
      console.error('[app] could not open the last user’s queue ahead of sign-in', error);
      return null;
    });
    const reading = opened.then((core) => core?.warm()).catch(() => undefined);
    this.warm = { userId, opened, reading, ordering: null };
  }

  /**
   * A sign-in began: the pre-opened queue is ordered for now while the server checks the
   * password, so that if the last user it is, their first queue.get is answered at once.
   */
  private orderWarm(): void {
    const warm = this.warm;
    if (!warm) return;
    warm.ordering = warm.opened
      .then(async (core) => {
        if (!core) return null;
        await warm.reading;
        return orderQueueOf(core, this.clock());
      })
      .catch(() => null); // ordered again after the sign-in, and any error reported then
  }

  /** The pre-opened core (and its ordering) if it is `userId`'s; another user's is closed. */
  private async takeWarm(
    userId: string,
  ): Promise<{ core: ClientCore; ordering: Promise<OrderedQueue | null> | null } | null> {
    const warm = this.warm;
    this.warm = null;
    const core = warm ? await warm.opened : null;
    if (!warm || !core) return null;
    if (warm.userId === userId) return { core, ordering: warm.ordering };
    await warm.reading;
    await warm.ordering;
    await core.close();
    return null;
  }

  private async dropWarm(): Promise<void> {
    await this.takeWarm(''); // nobody's id: closed
  }

  /** The id of the user who signed in last on this machine (not a secret: it names a file). */
  private async readLastUser(): Promise<string | null> {
    try {
      const parsed = LastUserSchema.safeParse(
        JSON.parse(await readFile(this.lastUserFile, 'utf8')),
      );
      return parsed.success ? parsed.data.userId : null;
    } catch {
      return null; // none yet, or damaged: only a head start is lost
    }
  }

  private async rememberLastUser(userId: string): Promise<void> {
    try {
      if ((await this.readLastUser()) === userId) return;
      const temp = `${this.lastUserFile}.tmp`;
      await writeFile(temp, JSON.stringify({ userId }));
      await rename(temp, this.lastUserFile);
    } catch (error) {
      console.error('[app] could not note the last user', error);
    }
  }

  /**
   * The toasts the core asks for, through the rep's settings: none while do-not-disturb is on,
   * silent when sound is off. What the OS does with it is the wrapped notifier's business.
   */
  private readonly notifier: Notifier = {
    show: (toast: Toast) => {
      const { doNotDisturb, sound } = this.settings.value;
      if (doNotDisturb) return Promise.resolve();
      return this.options.notifier.show({ ...toast, silent: !sound });
    },
    withdraw: (leadId: string) => this.options.notifier.withdraw?.(leadId),
  };

  /**
   * The whole queue, ordered and shaped for the page, kept until the queue changes or it is
   * REORDER_MS old (the order moves with time: leads age, retries fall due). Windows of it are
   * sliced per request, so a page asking for its screen never costs a re-order of 5,000 leads.
   */
  private orderedQueue(core: ClientCore): Promise<OrderedQueue> {
    const now = this.clock();
    const kept = this.ordered;
    if (kept && now - kept.at < REORDER_MS && kept.at <= now) return Promise.resolve(kept);
    return this.ordering ?? this.keepOrdering(core, orderQueueOf(core, now));
  }

  /** Serves `ordering` to the queue's requests, and keeps it unless a change overtakes it. */
  private keepOrdering(core: ClientCore, ordering: Promise<OrderedQueue>): Promise<OrderedQueue> {
    const pending = ordering
      .then((ordered) => {
        // A change that arrived while ordering made this answer stale: serve it, keep nothing.
        if (this.core === core && this.ordering === pending) this.ordered = ordered;
        return ordered;
      })
      .finally(() => {
        if (this.ordering === pending) this.ordering = null;
      });
    // Its takers see a failure (queue.get answers it); unawaited it is no unhandled rejection.
    pending.catch(() => undefined);
    this.ordering = pending;
    return pending;
  }

  /** One `queue.counts` after a burst of queue changes, and only when the counts moved. */
  private countsSoon(): void {
    if (this.countsTimer) return;
    this.countsTimer = setTimeout(() => {
      this.countsTimer = null;
      if (this.core) this.countsNow(this.core);
    }, this.options.countsDebounceMs ?? 250);
  }

  /** Orders the queue (or takes the ordering in flight) and sends the counts if they moved. */
  private countsNow(core: ClientCore): void {
    this.orderedQueue(core)
      .then(({ counts }) => {
        if (
          this.core !== core ||
          (this.lastCounts?.total === counts.total &&
            this.lastCounts.untouched === counts.untouched)
        ) {
          return;
        }
        this.lastCounts = counts;
        this.emit({ type: 'queue.counts', counts });
      })
      .catch((error: unknown) => {
        // Signed out while ordering: the database closed under it; nothing to count.
        if (this.core === core) console.error('[app] could not count the queue', error);
      });
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
    this.lastCounts = null;
    this.ordered = null;
    this.ordering = null;
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

/** How long an ordered queue is served before it is ordered again for the clock. */
const REORDER_MS = 5_000;

/** In the data folder: who signed in last (`{ "userId": ... }`), for `prewarm`. */
const LAST_USER_FILE = 'last-user.json';
const LastUserSchema = z.object({ userId: z.string().min(1) });

interface Warm {
  readonly userId: string;
  /** The local core (not connected), or null when its database could not be opened. */
  readonly opened: Promise<ClientCore | null>;
  /** Its first read of every lead; never rejects. */
  readonly reading: Promise<void>;
  /** Its queue ordered when a sign-in began (null: not asked, or the core did not open). */
  ordering: Promise<OrderedQueue | null> | null;
}

interface OrderedQueue {
  readonly at: number;
  /** The client core's ordering: the leads and their rows. */
  readonly items: readonly QueueItem[];
  /**
   * The same, shaped for the page (plain row with its reason line, the lead's row fields), made
   * the first time a window holds them: the page asks for ~160 of 5,000.
   */
  readonly shaped: (AppQueueItem | undefined)[];
  readonly index: ReadonlyMap<string, number>;
  readonly counts: QueueCounts;
}

/** The queue in priority order at `now`, rows shaped for the page only when asked (shapedAt). */
async function orderQueueOf(core: ClientCore, now: number): Promise<OrderedQueue> {
  const items = await core.getQueue(now);
  return {
    at: now,
    items,
    shaped: new Array<AppQueueItem | undefined>(items.length),
    index: new Map(items.map((item, i) => [item.lead.id, i])),
    counts: countsOf(items),
  };
}

function shapedAt(queue: OrderedQueue, index: number): AppQueueItem {
  const known = queue.shaped[index];
  if (known) return known;
  const item = queue.items[index];
  if (!item) throw new RangeError(`the queue has no row ${index}`);
  // The rows' fields are computed when read, from what the ordering saw: the same now as then.
  const shaped: AppQueueItem = {
    lead: queueLead(item.lead),
    pending: item.pending,
    row: plainRow(item.row),
  };
  queue.shaped[index] = shaped;
  return shaped;
}

function queueLead(l: Lead): QueueLead {
  return {
    id: l.id,
    name: l.name,
    company: l.company,
    title: l.title,
    email: l.email,
    phone: l.phone,
    country: l.country,
    timezone: l.timezone,
    source: l.source,
    tier: l.tier,
    score: l.score,
    status: l.status,
    receivedAt: l.receivedAt,
    firstTouchAt: l.firstTouchAt,
    seenAt: l.seenAt,
    attempts: l.attempts,
    lastDisposition: l.lastDisposition,
    callbackAt: l.callbackAt,
  };
}

function countsOf(items: readonly { readonly lead: Pick<Lead, 'firstTouchAt'> }[]): QueueCounts {
  let untouched = 0;
  for (const item of items) if (item.lead.firstTouchAt === null) untouched += 1;
  return { total: items.length, untouched };
}

/** Case- and accent-insensitive: "jose" finds "José". */
/** A failure the rep is meant to read, with its code. */
class AppFailure extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

function failure(error: AppError): { ok: false; error: AppError } {
  return { ok: false, error };
}

function invalid(error: z.ZodError): AppError {
  const fields = fieldIssues(error);
  return {
    code: 'invalid_request',
    message: fields.map((f) => `${f.field} ${f.message}`).join('; ') || 'the request is not valid',
    fields,
  };
}

/**
 * The server address a sign-in may use (src/shared/server-address.ts), as parsed. The request
 * schema has checked it already; the host checks again here, where the password leaves, so the
 * rule does not rest on one schema staying as it is.
 */
function allowedServerUrl(serverUrl: string, allowInsecureHttp: boolean): string {
  const verdict = serverAddressPolicy(serverUrl);
  if (!verdict.ok) {
    throw new CommandError(`serverUrl ${verdict.reason}`, [
      { field: 'serverUrl', message: verdict.reason },
    ]);
  }
  if (verdict.insecure && !allowInsecureHttp) {
    const message = 'must be true to sign in over http:// (unencrypted)';
    throw new CommandError(`allowInsecureHttp ${message}`, [
      { field: 'allowInsecureHttp', message },
    ]);
  }
  return verdict.url;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return error.error;
  if (error instanceof SignInError) return { code: error.code, message: error.message };
  if (error instanceof CommandError) {
    return { code: 'invalid_request', message: error.message, fields: error.fields };
  }
  console.error('[app] request failed', error);
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : 'something went wrong',
  };
}
