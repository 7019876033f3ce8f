/**
 * Toasts in the app: Electron's Notification, whose click brings the window up on that lead, with
 * node-notifier as the fallback (where Electron has no notification support, and for a toast
 * Electron failed to show). The client core asks for toasts through the host (host-runtime.ts);
 * whatever happens here, the answer is a resolved or rejected promise, never a throw into sync.
 *
 *   const notifier = selectNotifier({
 *     electron: Notification.isSupported()
 *       ? new ElectronNotifier({ create: (o) => new Notification(o), onClick: focusLead })
 *       : null,
 *     fallback: new NodeNotifier(),
 *   });
 *
 * No runtime electron import: the Notification class comes in as `create`, so this is tested
 * with a fake.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Notifier, Toast } from '../client/notifier';

/** The part of Electron's Notification used here. */
export interface NotificationLike {
  on(event: 'show' | 'click' | 'close', listener: () => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
  show(): void;
  close(): void;
}

export interface ElectronNotifierOptions {
  readonly create: (options: NotificationConstructorOptions) => NotificationLike;
  /** The rep clicked the toast: focus the window, and open the lead when it names one. */
  readonly onClick: (leadId: string | undefined) => void;
  /**
   * 'show' is not emitted on every platform and 'failed' only on Windows: a toast that has done
   * neither after this long is taken as shown. Default 5 s.
   */
  readonly settleMs?: number;
  /** How many shown toasts are kept referenced for their click. Default 100. */
  readonly keep?: number;
}

export class ElectronNotifier implements Notifier {
  /**
   * Toasts still on screen. Without a reference the Notification object can be garbage-collected
   * while the toast is up, and its click handler with it: the click would do nothing.
   */
  private readonly live = new Set<NotificationLike>();
  /** The toast on screen for each lead, to take it down (withdraw). */
  private readonly byLead = new Map<string, NotificationLike>();

  constructor(private readonly options: ElectronNotifierOptions) {}

  get onScreen(): number {
    return this.live.size;
  }

  show(toast: Toast): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => settle(), this.options.settleMs ?? 5000);
      timer.unref();
      function settle(error?: unknown): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) resolve();
        else
          reject(error instanceof Error ? error : new Error('the notification could not be shown'));
      }

      let notification: NotificationLike;
      try {
        notification = this.options.create({
          title: toast.title,
          body: toast.body,
          silent: toast.silent === true,
        });
      } catch (error) {
        settle(error);
        return;
      }
      const leadId = toast.leadId;
      const release = (): void => {
        this.live.delete(notification);
        if (leadId !== undefined && this.byLead.get(leadId) === notification) {
          this.byLead.delete(leadId);
        }
      };
      notification.on('show', () => settle());
      notification.on('failed', (_event, error) => {
        release();
        settle(new Error(`the notification failed: ${error}`));
      });
      notification.on('click', () => {
        release();
        this.options.onClick(toast.leadId);
      });
      notification.on('close', release);
      this.keepReference(notification);
      if (leadId !== undefined) this.byLead.set(leadId, notification);
      try {
        notification.show();
      } catch (error) {
        release();
        settle(error);
      }
    });
  }

  /** Takes the lead's toast off the screen (a teammate claimed the offered lead). */
  withdraw(leadId: string): void {
    const notification = this.byLead.get(leadId);
    if (!notification) return;
    this.byLead.delete(leadId);
    this.live.delete(notification);
    notification.close();
  }

  /** Linux daemons do not always report 'close': the oldest references go past `keep`. */
  private keepReference(notification: NotificationLike): void {
    this.live.add(notification);
    const limit = this.options.keep ?? 100;
    for (const old of this.live) {
      if (this.live.size <= limit) break;
      this.live.delete(old);
      for (const [leadId, n] of this.byLead) if (n === old) this.byLead.delete(leadId);
    }
  }
}

export interface SelectNotifierOptions {
  /** Electron's notifier, or null where `Notification.isSupported()` is false. */
  readonly electron: Notifier | null;
  /** node-notifier (notify-send, the vendored helpers on macOS and Windows). */
  readonly fallback: Notifier;
  readonly log?: (line: string) => void;
}

/**
 * Electron's toasts where they are supported; node-notifier's otherwise, and for any one toast
 * Electron could not show. Rejects only when both failed.
 */
export function selectNotifier(options: SelectNotifierOptions): Notifier {
  const { electron, fallback } = options;
  const log = options.log ?? ((line: string) => console.warn(line));
  if (electron === null) {
    log('[notifications] Electron notifications are not supported here; using node-notifier');
    return fallback;
  }
  return {
    show: (toast) =>
      Promise.resolve(toast)
        .then((t) => electron.show(t))
        .catch((error: unknown) => {
          log(
            `[notifications] Electron could not show a toast (${error instanceof Error ? error.message : String(error)}); trying node-notifier`,
          );
          return fallback.show(toast);
        }),
    withdraw: (leadId) => {
      electron.withdraw?.(leadId);
      fallback.withdraw?.(leadId);
    },
  };
}
