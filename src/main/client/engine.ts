import type { Kysely } from 'kysely';
import {
  FALLBACK_PULL_MS,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_LIMIT,
  PullPageSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
  SYNC_PULL_PATH,
  SYNC_PUSH_PATH,
  type PullPage,
} from '../../shared/sync-protocol';
import type { ClientEvent } from '../../shared/client-api';
import { backoffDelay, SYNC_BACKOFF, type BackoffOptions } from './backoff';
import { LiveChannel } from './live-channel';
import { applyLiveMessage, type LiveEffectsContext } from './live-effects';
import type { Notifier } from './notifier';
import { ToastBatcher } from './notifier';
import type { LocalDatabase } from './schema';
import { ackedCutoff, outboxHead } from './outbox-store';
import { getState, STATE_KEYS } from './state-store';
import { applyPullPage, mutationOnWire, recordPushResults } from './sync-writes';
import { TransportError, requestJson } from './transport';

export interface EngineOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly clientId: string;
  readonly db: Kysely<LocalDatabase>;
  readonly notifier: Notifier;
  readonly emit: (event: ClientEvent) => void;
  readonly clock?: () => number;
  readonly backoff?: BackoffOptions;
  /** The longest between pulls while all is quiet (the protocol's fallback, at most 30 s). */
  readonly fallbackPullMs?: number;
  /** Silence on the live socket after which it is presumed dead (half-open) and replaced. */
  readonly liveSilenceMs?: number;
  /** How long after a toast further leads are collapsed into one summary toast. */
  readonly toastWindowMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * Keeps the local database and the server in step: pushes the outbox, pulls changes, acts on
 * what the live channel says (live-channel.ts keeps the socket; sync-writes.ts stores what a
 * push answer and a pull page bring), and notifies the rep of new leads. Every failure of the
 * network is retried with backoff and full jitter; only what retrying cannot fix (signed out, an
 * old protocol, a server that refuses the client's own history) stops it, with a `stopped` event
 * saying why.
 */
export class SyncEngine {
  private readonly clock: () => number;
  private readonly backoff: BackoffOptions;
  private readonly toasts: ToastBatcher;
  private readonly live: LiveChannel;
  private running = false;
  private stoppedReason: string | null = null;
  private online = false;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  private pushFailures = 0;
  private pullFailures = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private fallbackTimer: NodeJS.Timeout | null = null;
  private wakeSleepers: (() => void)[] = [];

  constructor(private readonly o: EngineOptions) {
    this.clock = o.clock ?? Date.now;
    this.backoff = o.backoff ?? SYNC_BACKOFF;
    this.toasts = new ToastBatcher(
      o.notifier,
      (result) => {
        if ('error' in result) o.emit({ type: 'notify.failed', message: result.error });
        else o.emit({ type: 'notified', ...result });
      },
      o.toastWindowMs ?? 2000,
      this.clock,
    );
    const effects: LiveEffectsContext = {
      db: o.db,
      clock: this.clock,
      emit: o.emit,
      notifier: o.notifier,
      toasts: this.toasts,
      pullSoon: () => this.pullSoon(),
    };
    this.live = new LiveChannel({
      serverUrl: o.serverUrl,
      token: o.token,
      backoff: this.backoff,
      silenceMs: o.liveSilenceMs ?? 45_000,
      running: () => this.running,
      later: (ms, fn) => this.later(ms, fn),
      on: {
        opened: () => {
          this.setOnline();
          // The server is reachable again: retries waiting out a backoff go now.
          for (const wake of this.wakeSleepers.splice(0)) wake();
          // Whatever happened while we were away: the pull is the source of truth.
          this.pullSoon();
          this.pushSoon();
        },
        message: (message) => applyLiveMessage(effects, message),
        board: (message) => o.emit({ type: 'board.message', message }),
        invalid: (message) => o.emit({ type: 'invalid.message', source: 'live', message }),
        signedOut: (message) => this.stop_('signed_out', message),
        closed: (retryInMs) => this.setOffline('live channel closed', retryInMs),
      },
    });
  }

  get isOnline(): boolean {
    return this.online;
  }

  get stopped(): string | null {
    return this.stoppedReason;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.live.connect();
    this.pushSoon();
    this.pullSoon();
    this.armFallbackPull();
  }

  /** Stops everything and waits for work in flight (a push or pull finishes or fails). */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.fallbackTimer) clearTimeout(this.fallbackTimer);
    this.toasts.stop();
    for (const wake of this.wakeSleepers.splice(0)) wake();
    this.live.stop();
    await Promise.allSettled([this.pushing, this.pulling]);
  }

  /** Pushes the outbox now (a command was queued, or the network came back). */
  pushSoon(): void {
    if (!this.running) return;
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    this.pushing = this.pushLoop().finally(() => {
      this.pushing = null;
      if (this.pushAgain && this.running) {
        this.pushAgain = false;
        this.pushSoon();
      }
    });
  }

  /** Pulls now; calls while a pull runs coalesce into one more pull after it. */
  pullSoon(): void {
    if (!this.running) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = this.pullLoop().finally(() => {
      this.pulling = null;
      if (this.pullAgain && this.running) {
        this.pullAgain = false;
        this.pullSoon();
      }
    });
  }

  /**
   * Replaces the live socket now, without counting it as a failure: the server sends a board's
   * snapshot on each new connection, so this is how a board that missed a delta asks again.
   */
  reconnectLive(): void {
    if (!this.running) return;
    this.live.reconnect();
  }

  // ---- push ---------------------------------------------------------------------------------

  private async pushLoop(): Promise<void> {
    while (this.running) {
      const batch = await outboxHead(this.o.db, MAX_MUTATIONS_PER_PUSH);
      if (batch.length === 0) return;
      try {
        const res = await requestJson('POST', this.url(SYNC_PUSH_PATH), PushResponseSchema, {
          token: this.o.token,
          timeoutMs: this.o.requestTimeoutMs ?? 15_000,
          body: {
            protocolVersion: SYNC_PROTOCOL_VERSION,
            clientId: this.o.clientId,
            mutations: batch.map((m) => mutationOnWire(this.o.clientId, m)),
          },
        });
        const names = new Map(batch.map((m) => [m.mutationId, m.name]));
        await recordPushResults(this.o.db, batch, res, this.clock());
        this.pushFailures = 0;
        this.setOnline();
        for (const r of res.results) {
          const name = names.get(r.mutationId) ?? 'unknown';
          if (r.status === 'rejected') {
            this.o.emit({
              type: 'rejected',
              mutationId: r.mutationId,
              name,
              code: r.error.code,
              message: r.error.message,
            });
          } else {
            this.o.emit({ type: 'outcome.acked', mutationId: r.mutationId, name });
          }
        }
        this.o.emit({ type: 'queue.changed' });
        const first = batch[0];
        if (first && res.lastMutationId < first.mutationId) {
          // The server acknowledged nothing of this batch: pushing again would loop.
          this.stop_(
            'push_not_acknowledged',
            `the server stopped at mutation ${res.lastMutationId}`,
          );
          return;
        }
      } catch (error) {
        if (!(await this.handleFailure(error, 'push'))) return;
      }
    }
  }

  // ---- pull ---------------------------------------------------------------------------------

  private fetchPage(cursor: string | null) {
    const query = new URLSearchParams({
      limit: String(MAX_PULL_LIMIT),
      ...(cursor && { cursor }),
    });
    return requestJson(
      'GET',
      `${this.url(SYNC_PULL_PATH)}?${query.toString()}`,
      // The envelope only: each change is read on its own in applyPage.
      PullPageSchema,
      {
        token: this.o.token,
        timeoutMs: this.o.requestTimeoutMs ?? 15_000,
        headers: { [SYNC_PROTOCOL_HEADER]: String(SYNC_PROTOCOL_VERSION) },
      },
    );
  }

  private async pullLoop(): Promise<void> {
    // The next page is requested before this one is written, so the server's work and the
    // client's overlap (a first sync is many pages). Pages are still applied strictly in order,
    // each with its cursor in the same local transaction.
    let next: ReturnType<SyncEngine['fetchPage']> | null = null;
    // Acknowledged mutations up to here were applied before this pull was sent, so the leads it
    // brings carry their effect (see settleAcknowledged).
    let cutoff = 0;
    while (this.running) {
      try {
        if (next === null) cutoff = await ackedCutoff(this.o.db);
        const res = await (next ?? this.fetchPage(await getState(this.o.db, STATE_KEYS.cursor)));
        next = null;
        if (res.hasMore) {
          next = this.fetchPage(res.cursor);
          // Failures surface when it is awaited; until then it must not count as unhandled.
          next.catch(() => undefined);
        }
        await this.applyPage(res, cutoff);
        if (!res.hasMore) return;
      } catch (error) {
        next = null;
        if (!(await this.handleFailure(error, 'pull'))) return;
      }
    }
  }

  private async applyPage(res: PullPage, cutoff: number): Promise<void> {
    const { changes, fresh, revoked, skipped } = await applyPullPage(
      this.o.db,
      res,
      cutoff,
      this.clock(),
    );
    this.pullFailures = 0;
    this.setOnline();
    for (const r of revoked) {
      this.toasts.withdraw(r.leadId);
      this.o.emit({ type: 'lead.revoked', ...r });
    }
    for (const skip of skipped) this.o.emit({ type: 'change.skipped', ...skip });
    this.toasts.add(fresh);
    this.o.emit({ type: 'synced', changes, revoked: revoked.length });
    if (changes > 0) this.o.emit({ type: 'queue.changed' });
  }

  private armFallbackPull(): void {
    if (this.fallbackTimer) clearTimeout(this.fallbackTimer);
    this.fallbackTimer = setTimeout(
      () => {
        this.pullSoon();
        this.pushSoon();
        if (this.running) this.armFallbackPull();
      },
      Math.min(this.o.fallbackPullMs ?? FALLBACK_PULL_MS, FALLBACK_PULL_MS),
    );
  }

  // ---- state --------------------------------------------------------------------------------

  /** True to retry (after waiting), false to give up this loop. */
  private async handleFailure(error: unknown, what: 'push' | 'pull'): Promise<boolean> {
    if (!(error instanceof TransportError)) {
      this.o.emit({ type: 'invalid.message', source: what, message: describe(error) });
      return false;
    }
    if (error.status === 401) {
      this.stop_('signed_out', 'the session is no longer valid');
      return false;
    }
    if (error.status === 426 || error.code === 'incompatible_protocol') {
      this.stop_('incompatible_protocol', error.message);
      return false;
    }
    if (error.code === 'mutation_gap') {
      this.stop_('mutation_gap', error.message);
      return false;
    }
    if (!error.retryable) {
      this.stop_(`${what}_refused`, error.message);
      return false;
    }
    const attempt = what === 'push' ? this.pushFailures++ : this.pullFailures++;
    const delay = backoffDelay(attempt, this.backoff);
    this.setOffline(`${what} failed: ${error.message}`, delay);
    await this.sleep(delay);
    return this.running;
  }

  private setOnline(): void {
    if (this.online) return;
    this.online = true;
    this.o.emit({ type: 'online' });
  }

  private setOffline(reason: string, retryInMs: number): void {
    const was = this.online;
    this.online = false;
    if (was || retryInMs >= 0) this.o.emit({ type: 'offline', reason, retryInMs });
  }

  private stop_(code: string, message: string): void {
    if (this.stoppedReason) return;
    this.stoppedReason = code;
    this.o.emit({ type: 'stopped', code, message });
    void this.stop();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) fn();
    }, ms);
    this.timers.add(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakeSleepers = this.wakeSleepers.filter((w) => w !== wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.wakeSleepers.push(wake);
    });
  }

  private url(path: string): string {
    return `${this.o.serverUrl.replace(/\/$/, '')}${path}`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
