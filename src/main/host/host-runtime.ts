import type { AppMethod, AppResult } from '../../shared/app-api';
import type { Notifier, Toast } from '../client/notifier';
import { AppService } from './app-service';
import type { HostPort } from './host-port';
import {
  type AutoSignIn,
  HOST_PROTOCOL_VERSION,
  parseToHost,
  type SecretOutcome,
  type SecretStore,
  type StoredSession,
  type ToastOutcome,
  type ToHostMessage,
} from './host-protocol';
import { PendingReplies } from './pending-replies';

/*
 * The app-service host: runs AppService (the client core, its SQLite database and sockets) in its
 * own process, so a sync burst never blocks the window's UI thread. Main sends `init` and then
 * requests; the host answers each, forwards every AppService event, and asks main for what only
 * main has: safeStorage (the kept session) and the OS notification centre (toasts).
 *
 *   runHost(parentHostPort(), { exit: (code) => process.exit(code) });   // see host.ts
 */

export interface HostOptions {
  readonly exit: (code: number) => void;
  /** How long an ask to main (secret, toast) may take. */
  readonly secretTimeoutMs?: number;
  readonly toastTimeoutMs?: number;
}

/**
 * A keychain prompt waits for the rep to type their password, so secrets get a long deadline; a
 * toast is shown at once or not at all.
 */
const SECRET_TIMEOUT_MS = 120_000;
const TOAST_TIMEOUT_MS = 15_000;

type SecretAsk =
  | { kind: 'secret.load' }
  | { kind: 'secret.clear' }
  | { kind: 'secret.save'; session: StoredSession };

export function runHost(port: HostPort, options: HostOptions): void {
  const secretAsks = new PendingReplies<SecretOutcome>(
    options.secretTimeoutMs ?? SECRET_TIMEOUT_MS,
    () => ({ ok: false, message: 'main did not answer the secret request in time' }),
  );
  const toastAsks = new PendingReplies<ToastOutcome>(
    options.toastTimeoutMs ?? TOAST_TIMEOUT_MS,
    () => ({ ok: false, message: 'main did not answer the toast request in time' }),
  );

  const secrets = new ParentSecretStore((ask) => {
    const { id, reply } = secretAsks.open();
    port.send({ ...ask, id });
    return reply;
  });
  const notifier = new ParentNotifier(
    (toast) => {
      const { id, reply } = toastAsks.open();
      port.send({ kind: 'toast', id, toast });
      return reply;
    },
    (leadId) => port.send({ kind: 'toast.withdraw', leadId }),
  );

  let service: Promise<AppService | null> | null = null;
  let closing: Promise<void> | null = null;

  const report = (problem: string): void => {
    console.error(`[host] ignored a message: ${problem}`);
    port.send({ kind: 'protocol.error', message: problem });
  };

  const start = async (
    init: Extract<ToHostMessage, { kind: 'init' }>,
  ): Promise<AppService | null> => {
    try {
      const app = await AppService.start({
        dataDir: init.dataDir,
        secrets,
        notifier,
        // Only main may hand a URL to the OS; it checks the URL again before it does.
        openExternal: (url) => port.send({ kind: 'link.open', url }),
      });
      app.onEvent((event) => {
        try {
          port.send({ kind: 'event', event });
        } catch (error) {
          console.error('[host] could not forward an event', event.type, error);
        }
      });
      if (init.autoSignIn) await autoSignIn(app, init.autoSignIn);
      const session = (await app.handle({
        method: 'session.get',
        params: {},
      })) as AppResult<'session.get'>;
      port.send({
        kind: 'ready',
        version: HOST_PROTOCOL_VERSION,
        session: session.ok ? session.value : null,
        settings: app.currentSettings(),
      });
      return app;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error('[host] the app service could not start', error);
      port.send({ kind: 'fatal', message });
      // Main restarts the host when it exits; a half-started one would answer nothing.
      options.exit(1);
      return null;
    }
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      const app = await service;
      await app?.close().catch((error: unknown) => console.error('[host] close failed', error));
      secretAsks.settleAll(() => ({ ok: false, message: 'the host is closing' }));
      toastAsks.settleAll(() => ({ ok: false, message: 'the host is closing' }));
      port.send({ kind: 'closed' });
    })();
    return closing;
  };

  const onMessage = (message: ToHostMessage): void => {
    switch (message.kind) {
      case 'init':
        if (service) {
          report('init: the host was initialised already');
          return;
        }
        service = start(message);
        return;
      case 'request': {
        const { id, method, params } = message;
        const answer = (result: AppResult<AppMethod>): void =>
          port.send({ kind: 'response', id, result });
        if (!service || closing) {
          answer({
            ok: false,
            error: {
              code: 'internal',
              message: closing ? 'the app is closing' : 'the app service has not started',
            },
          });
          return;
        }
        service
          .then((app) =>
            app
              ? app.handle({ method, params })
              : {
                  ok: false as const,
                  error: { code: 'internal' as const, message: 'the app service did not start' },
                },
          )
          .then(answer, (error: unknown) => {
            // handle() never throws; this is for a bug, not a path.
            console.error('[host] request failed', error);
            answer({ ok: false, error: { code: 'internal', message: 'the request failed' } });
          });
        return;
      }
      case 'secret.reply':
        if (!secretAsks.settle(message.id, message.outcome)) {
          report(`secret.reply: no secret request ${message.id} is waiting`);
        }
        return;
      case 'toast.reply':
        if (!toastAsks.settle(message.id, message.outcome)) {
          report(`toast.reply: no toast request ${message.id} is waiting`);
        }
        return;
      case 'close':
        void close();
        return;
      default: {
        const unreachable: never = message;
        report(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  };

  port.onMessage((raw) => {
    const parsed = parseToHost(raw);
    if (!parsed.ok) {
      report(parsed.problem);
      return;
    }
    onMessage(parsed.message);
  });

  // Started with child_process.fork and the parent died: nobody is left to talk to.
  port.onDisconnect(() => {
    void close().finally(() => options.exit(0));
  });
}

/** Demo sign-in: only when no session was kept, and a failure leaves the sign-in screen. */
async function autoSignIn(app: AppService, credentials: AutoSignIn): Promise<void> {
  const current = (await app.handle({
    method: 'session.get',
    params: {},
  })) as AppResult<'session.get'>;
  if (current.ok && current.value !== null) return;
  const result = await app.handle({ method: 'session.signIn', params: credentials });
  if (!result.ok) {
    console.error(`[host] automatic sign-in failed: ${result.error.code}: ${result.error.message}`);
  }
}

/** The session, kept by main (safeStorage lives there); the host only asks. */
class ParentSecretStore implements SecretStore {
  constructor(private readonly ask: (ask: SecretAsk) => Promise<SecretOutcome>) {}

  async load(): Promise<StoredSession | null> {
    return this.expect(await this.ask({ kind: 'secret.load' }));
  }

  async save(session: StoredSession): Promise<void> {
    this.expect(await this.ask({ kind: 'secret.save', session }));
  }

  async clear(): Promise<void> {
    this.expect(await this.ask({ kind: 'secret.clear' }));
  }

  private expect(outcome: SecretOutcome): StoredSession | null {
    if (!outcome.ok) throw new Error(`the session store failed: ${outcome.message}`);
    return outcome.session;
  }
}

/**
 * Toasts, shown by main. A toast main could not show rejects, which the client core reports as a
 * `notify.failed` event and otherwise ignores: a toast never breaks sync.
 */
class ParentNotifier implements Notifier {
  constructor(
    private readonly ask: (toast: Toast) => Promise<ToastOutcome>,
    private readonly tell: (leadId: string) => void,
  ) {}

  async show(toast: Toast): Promise<void> {
    const outcome = await this.ask(toast);
    if (!outcome.ok) throw new Error(outcome.message);
  }

  withdraw(leadId: string): void {
    this.tell(leadId);
  }
}
