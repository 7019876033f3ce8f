/**
 * Main's side of the app-service host (src/main/host/host.ts): starts it, numbers requests and
 * answers each one (with an `internal` error when the host does not answer in time or dies),
 * passes its events on, answers its asks for the kept session and for toasts, and restarts it
 * when it dies. No electron import: how the process is started is the `spawn` argument
 * (utility-host.ts in the app, fork-host.ts in tests and the unpackaged demo), so this runs in plain Node too.
 *
 *   const host = new AppHostClient({ spawn: () => utilityHostChannel(path), dataDir, secrets,
 *     notifier, openExternal, onEvent: (event) => send(window, event) });
 *   host.start();
 *   const result = await host.call({ method: 'queue.get', params: {} });
 */
import type {
  AppError,
  AppEvent,
  AppMethod,
  AppResult,
  AppSession,
  AppSettings,
} from '../../shared/app-api';
import { openExternalSafely } from '../../shared/external-links';
import type { Notifier } from '../client/notifier';
import {
  type AutoSignIn,
  type FromHostMessage,
  HOST_PROTOCOL_VERSION,
  type HostChannel,
  parseFromHost,
  type SecretOutcome,
  type SecretStore,
  type StoredSession,
  type ToHost,
} from '../host/host-protocol';
import { PendingReplies } from '../host/pending-replies';

export interface HostReady {
  readonly session: AppSession | null;
  readonly settings: AppSettings;
}

export interface AppHostClientOptions {
  readonly spawn: () => HostChannel;
  /** The app service's data folder (settings, the local database per user). */
  readonly dataDir: string;
  /** Demo only: passed to the first host; see host-protocol.ts `init`. */
  readonly autoSignIn?: AutoSignIn;
  readonly secrets: SecretStore;
  readonly notifier: Notifier;
  /** The OS side effect for `link.open` (shell.openExternal); URLs are checked again here. */
  readonly openExternal: (url: string) => void | Promise<void>;
  /** Every event for the window: the host's, and the shell's own while it restarts the host. */
  readonly onEvent: (event: AppEvent) => void;
  /** After each start of a host (the first and every restart). */
  readonly onReady?: (ready: HostReady) => void;
  /** Default 30 s: sign-in against a slow server is the longest request. */
  readonly requestTimeoutMs?: number;
  /** Wait before restart number `attempt` (1, 2, ...). Default 250 ms doubling, at most 8 s. */
  readonly restartDelayMs?: (attempt: number) => number;
  /** Restarts in a row (each host dying before `stableAfterMs`) before giving up. Default 5. */
  readonly maxRestarts?: number;
  readonly stableAfterMs?: number;
  /** How long `close` waits for the host to close its database. Default 5 s. */
  readonly closeTimeoutMs?: number;
  readonly clock?: () => number;
}

type State = 'idle' | 'running' | 'restarting' | 'stopped' | 'closing' | 'closed';

const internal = (message: string): AppResult<AppMethod> => ({
  ok: false,
  error: { code: 'internal', message } satisfies AppError,
});

export class AppHostClient {
  private state: State = 'idle';
  private channel: HostChannel | null = null;
  /** Messages and exits of an earlier host are ignored: they belong to a process that is gone. */
  private generation = 0;
  private startedAt = 0;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Requests made while no host runs (between a crash and the restart). */
  private backlog: ToHost[] = [];
  private closed: Promise<void> | null = null;
  private onClosed: (() => void) | null = null;
  private readonly requests: PendingReplies<AppResult<AppMethod>>;
  private readonly clock: () => number;

  constructor(private readonly options: AppHostClientOptions) {
    this.clock = options.clock ?? Date.now;
    this.requests = new PendingReplies(options.requestTimeoutMs ?? 30_000, () =>
      internal('the app service did not answer in time'),
    );
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.spawn();
  }

  /** One request (already validated by ipc.ts); always answers, never throws. */
  call(request: {
    readonly method: AppMethod;
    readonly params: unknown;
  }): Promise<AppResult<AppMethod>> {
    if (this.state === 'idle') return Promise.resolve(internal('the app service has not started'));
    if (this.state === 'closing' || this.state === 'closed') {
      return Promise.resolve(internal('the app is closing'));
    }
    if (this.state === 'stopped') {
      return Promise.resolve(internal('the app service stopped; restart Pounce'));
    }
    const { id, reply } = this.requests.open();
    this.post({ kind: 'request', id, method: request.method, params: request.params });
    return reply;
  }

  /** Asks the host to close the app service (its database, its sockets), then ends it. */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    const previous = this.state;
    this.state = 'closing';
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const channel = this.channel;
    if (channel && previous === 'running') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.closeTimeoutMs ?? 5000);
        this.onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        this.send(channel, { kind: 'close' });
      });
      this.onClosed = null;
      // A closed host has nothing left to do; one that did not answer in time is stopped anyway.
      channel.kill();
    }
    this.channel = null;
    this.state = 'closed';
    this.backlog = [];
    this.requests.settleAll(() => internal('the app is closing'));
  }

  private spawn(): void {
    this.generation += 1;
    const generation = this.generation;
    const first = generation === 1;
    let channel: HostChannel;
    try {
      channel = this.options.spawn();
    } catch (error) {
      console.error('[app-host] could not start the app service', error);
      this.exited(null);
      return;
    }
    this.channel = channel;
    this.state = 'running';
    this.startedAt = this.clock();
    channel.onMessage((raw) => {
      if (generation === this.generation) this.received(channel, raw);
    });
    channel.onExit((code) => {
      if (generation === this.generation) this.exited(code);
    });
    this.send(channel, {
      kind: 'init',
      version: HOST_PROTOCOL_VERSION,
      dataDir: this.options.dataDir,
      // The demo's sign-in is for the first start only: a rep who signed out stays signed out.
      ...(first && this.options.autoSignIn && { autoSignIn: this.options.autoSignIn }),
    });
    const backlog = this.backlog;
    this.backlog = [];
    for (const message of backlog) this.send(channel, message);
  }

  private post(message: ToHost): void {
    if (this.state === 'running' && this.channel) this.send(this.channel, message);
    else this.backlog.push(message);
  }

  private send(channel: HostChannel, message: ToHost): void {
    try {
      channel.postMessage(message);
    } catch (error) {
      // The process is going away; its exit answers what waits.
      console.error(`[app-host] could not send ${message.kind} to the app service`, error);
    }
  }

  private exited(code: number | null): void {
    this.channel = null;
    if (this.state === 'closing' || this.state === 'closed') {
      this.onClosed?.();
      return;
    }
    console.error(`[app-host] the app service stopped (exit code ${String(code)})`);
    // Requests it had may or may not have run: say so rather than run them twice.
    this.requests.settleAll(() =>
      internal('the app service stopped unexpectedly; it is restarting'),
    );
    if (this.clock() - this.startedAt >= (this.options.stableAfterMs ?? 60_000)) this.crashes = 0;
    this.crashes += 1;
    if (this.crashes > (this.options.maxRestarts ?? 5)) {
      this.state = 'stopped';
      this.emit({
        type: 'stopped',
        code: 'app_service_failed',
        message: 'The app service keeps stopping. Quit and restart Pounce.',
      });
      return;
    }
    const delay = (this.options.restartDelayMs ?? defaultRestartDelay)(this.crashes);
    this.state = 'restarting';
    this.emit({
      type: 'offline',
      reason: 'the app service stopped; restarting it',
      retryInMs: delay,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state === 'restarting') this.spawn();
    }, delay);
  }

  private received(channel: HostChannel, raw: unknown): void {
    const parsed = parseFromHost(raw);
    if (!parsed.ok) {
      console.error(`[app-host] ignored a message from the app service: ${parsed.problem}`);
      return;
    }
    this.handle(channel, parsed.message);
  }

  private handle(channel: HostChannel, message: FromHostMessage): void {
    switch (message.kind) {
      case 'ready':
        // After a restart the window may show stale data: tell it who is signed in now.
        if (this.generation > 1) this.emit({ type: 'session.changed', session: message.session });
        this.options.onReady?.({ session: message.session, settings: message.settings });
        return;
      case 'fatal':
        console.error(`[app-host] the app service could not start: ${message.message}`);
        if (message.message.includes('NODE_MODULE_VERSION')) {
          console.error(
            '[app-host] better-sqlite3 is built for another runtime: run `npx electron-builder install-app-deps` to build it for Electron (and `npm rebuild better-sqlite3` before the Node tests), or, in development, set POUNCE_HOST_NODE to a node binary',
          );
        }
        return;
      case 'response':
        // The result's shape was checked; its value is what AppService answered for that method.
        if (!this.requests.settle(message.id, message.result as AppResult<AppMethod>)) {
          console.warn(`[app-host] dropped a late answer to request ${message.id}`);
        }
        return;
      case 'event':
        this.emit(message.event);
        return;
      case 'secret.load':
        this.answerSecret(channel, message.id, () => this.options.secrets.load());
        return;
      case 'secret.save': {
        const { session } = message;
        this.answerSecret(channel, message.id, () =>
          this.options.secrets.save(session).then(() => null),
        );
        return;
      }
      case 'secret.clear':
        this.answerSecret(channel, message.id, () => this.options.secrets.clear().then(() => null));
        return;
      case 'toast':
        // Through a promise so a notifier that throws instead of rejecting is answered too.
        Promise.resolve(message.toast)
          .then((toast) => this.options.notifier.show(toast))
          .then(
            () =>
              this.send(channel, { kind: 'toast.reply', id: message.id, outcome: { ok: true } }),
            (error: unknown) =>
              this.send(channel, {
                kind: 'toast.reply',
                id: message.id,
                outcome: { ok: false, message: errorMessage(error) },
              }),
          );
        return;
      case 'toast.withdraw':
        try {
          this.options.notifier.withdraw?.(message.leadId);
        } catch (error) {
          console.error(`[app-host] could not take a toast down: ${errorMessage(error)}`);
        }
        return;
      case 'link.open':
        openExternalSafely(message.url, this.options.openExternal);
        return;
      case 'protocol.error':
        console.error(`[app-host] the app service ignored a message: ${message.message}`);
        return;
      case 'closed':
        this.onClosed?.();
        return;
      default: {
        const unreachable: never = message;
        console.error('[app-host] unhandled message', unreachable);
      }
    }
  }

  private answerSecret(
    channel: HostChannel,
    id: number,
    run: () => Promise<StoredSession | null>,
  ): void {
    const reply = (outcome: SecretOutcome): void =>
      this.send(channel, { kind: 'secret.reply', id, outcome });
    Promise.resolve()
      .then(run)
      .then(
        (session) => reply({ ok: true, session }),
        (error: unknown) => {
          console.error('[app-host] the session store failed', error);
          reply({ ok: false, message: errorMessage(error) });
        },
      );
  }

  private emit(event: AppEvent): void {
    try {
      this.options.onEvent(event);
    } catch (error) {
      console.error('[app-host] event listener failed', error);
    }
  }
}

function defaultRestartDelay(attempt: number): number {
  return Math.min(8000, 250 * 2 ** (attempt - 1));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
