import notifier from 'node-notifier';
import type { Lead } from '../../shared/lead';

/*
 * OS notifications for new leads. One interface, so the Electron app can use Electron's
 * Notification and the headless client node-notifier. Whatever a notifier does, a failure is
 * reported and swallowed: a toast must never break sync.
 */

export interface Toast {
  readonly title: string;
  readonly body: string;
  /** The lead a click should open; absent for a summary of several. */
  readonly leadId?: string;
  /** No sound (the rep turned sounds off). */
  readonly silent?: boolean;
}

export interface Notifier {
  show(toast: Toast): Promise<void>;
  /**
   * Takes the lead's toast off the screen where the platform can (a lead offered to the team
   * that a teammate claimed). Optional: node-notifier cannot, and the toast then times out.
   */
  withdraw?(leadId: string): void;
}

const TIER_LABEL = { hot: 'Hot', warm: 'Warm', cold: 'Cold' } as const;

/** "Hot lead: Ada Byron" / "Analytical Engines · demo request · web_form". */
export function leadToast(lead: Lead): Toast {
  const signal = lead.signals[0]?.type.replace(/_/g, ' ');
  const body = [lead.company, signal, lead.source].filter(Boolean).join(' · ');
  // Claim mode: the whole team is told, the first to claim gets it.
  const title = lead.offer
    ? `${TIER_LABEL[lead.tier]} lead to claim: ${lead.name}`
    : `${TIER_LABEL[lead.tier]} lead: ${lead.name}`;
  return { title, body, leadId: lead.id };
}

export function summaryToast(leads: readonly Lead[]): Toast {
  const hot = leads.filter((l) => l.tier === 'hot').length;
  return {
    title: `${leads.length} new leads`,
    body:
      hot > 0
        ? `${hot} hot: ${leads
            .filter((l) => l.tier === 'hot')
            .map((l) => l.name)
            .slice(0, 3)
            .join(', ')}`
        : leads
            .slice(0, 3)
            .map((l) => l.name)
            .join(', '),
  };
}

/** node-notifier: notify-send on Linux, the vendored helpers on macOS and Windows. */
export class NodeNotifier implements Notifier {
  show(toast: Toast): Promise<void> {
    return new Promise((resolve, reject) => {
      const options = {
        title: toast.title,
        message: toast.body || ' ',
        wait: false,
        sound: toast.silent !== true,
      };
      notifier.notify(options, (error) => {
        // node-notifier reports success as an empty value, not always null.
        if (error instanceof Error) reject(error);
        else resolve();
      });
    });
  }
}

/** A one-shot timer: injectable so a test moves the toast window by hand instead of sleeping. */
export interface Timers {
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const REAL_TIMERS: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * One toast per lead; leads that arrive within `windowMs` of a toast are collapsed into one
 * summary toast when the window ends, so a burst of 30 leads is one notification, not 30.
 */
export class ToastBatcher {
  private lastShownAt = Number.NEGATIVE_INFINITY;
  private held: Lead[] = [];
  /** Cancels the pending end-of-window flush; null when none is pending. */
  private cancelFlush: (() => void) | null = null;

  constructor(
    private readonly notifier: Notifier,
    private readonly report: (
      result: { leadIds: string[]; summary: boolean } | { error: string },
    ) => void,
    private readonly windowMs = 2000,
    private readonly clock: () => number = Date.now,
    private readonly timers: Timers = REAL_TIMERS,
  ) {}

  add(leads: readonly Lead[]): void {
    if (leads.length === 0) return;
    const now = this.clock();
    if (leads.length === 1 && this.held.length === 0 && now - this.lastShownAt >= this.windowMs) {
      const [lead] = leads;
      if (lead) this.send([lead]);
      return;
    }
    this.held.push(...leads);
    this.cancelFlush ??= this.timers.after(
      Math.max(0, this.lastShownAt + this.windowMs - now),
      () => this.flush(),
    );
  }

  /** Sends what is held now (on shutdown, or when the window ends). */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    const held = this.held;
    this.held = [];
    if (held.length > 0) this.send(held);
  }

  stop(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    this.held = [];
  }

  /** The lead is no longer the rep's: not toasted if still held, taken down if shown. */
  withdraw(leadId: string): void {
    this.held = this.held.filter((l) => l.id !== leadId);
    try {
      this.notifier.withdraw?.(leadId);
    } catch (error) {
      this.report({ error: error instanceof Error ? error.message : String(error) });
    }
  }

  private send(leads: readonly Lead[]): void {
    this.lastShownAt = this.clock();
    const [only] = leads;
    const toast = leads.length === 1 && only ? leadToast(only) : summaryToast(leads);
    const ids = leads.map((l) => l.id);
    this.report({ leadIds: ids, summary: leads.length > 1 });
    this.notifier.show(toast).catch((error: unknown) => {
      this.report({ error: error instanceof Error ? error.message : String(error) });
    });
  }
}
