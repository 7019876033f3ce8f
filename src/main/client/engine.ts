import type { Kysely } from 'kysely';
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import { parseBoardMessage } from '../../shared/board-protocol';
import type { Lead } from '../../shared/lead';
import type { LeadAlertKind } from '../../shared/live-protocol';
import {
  FALLBACK_PULL_MS,
  LiveServerMessageSchema,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_LIMIT,
  PullPageSchema,
  PushResponseSchema,
  SYNC_PROTOCOL_HEADER,
  SYNC_PROTOCOL_VERSION,
  SYNC_PULL_PATH,
  SYNC_PUSH_PATH,
  type Mutation,
  type PullPage,
} from '../../shared/sync-protocol';
import type { ClientEvent } from '../../shared/client-api';
import { backoffDelay, SYNC_BACKOFF, type BackoffOptions } from './backoff';
import type { Notifier } from './notifier';
import { ToastBatcher } from './notifier';
import type { PendingMutation } from './overlay';
import { readChanges } from './pull-page';
import type { LocalDatabase } from './schema';
import {
  acknowledge,
  ackedCutoff,
  settleAcknowledged,
  getState,
  markNotified,
  outboxHead,
  putServerLead,
  putServerLeads,
  recordRejected,
  revokeLead,
  setState,
  STATE_KEYS,
} from './store';
import { openLiveSocket, TransportError, requestJson } from './transport';

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
 * Keeps the local database and the server in step: pushes the outbox, pulls changes, listens on
 * the live channel, and notifies the rep of new leads. Every failure of the network is retried
 * with backoff and full jitter; only what retrying cannot fix (signed out, an old protocol, a
 * server that refuses the client's own history) stops it, with a `stopped` event saying why.
 */
export class SyncEngine {
  private readonly clock: () => number;
  private readonly backoff: BackoffOptions;
  private readonly toasts: ToastBatcher;
  private socket: WebSocket | null = null;
  private running = false;
  private stoppedReason: string | null = null;
  private online = false;
  private pushing: Promise<void> | null = null;
  private pushAgain = false;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  private pushFailures = 0;
  private pullFailures = 0;
  private liveFailures = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private fallbackTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
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
    this.connectLive();
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
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.toasts.stop();
    for (const wake of this.wakeSleepers.splice(0)) wake();
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    socket?.terminate();
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
    const old = this.socket;
    this.socket = null; // its close is then not ours to handle
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    old?.removeAllListeners();
    old?.on('error', () => undefined);
    old?.terminate();
    this.connectLive();
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
            mutations: batch.map((m) => this.toWire(m)),
          },
        });
        const names = new Map(batch.map((m) => [m.mutationId, m.name]));
        const now = this.clock();
        await this.o.db.transaction().execute(async (trx) => {
          for (const r of res.results) {
            if (r.status !== 'rejected') continue;
            const m = batch.find((b) => b.mutationId === r.mutationId);
            await recordRejected(trx, {
              mutation_id: r.mutationId,
              name: m?.name ?? 'logOutcome',
              args: JSON.stringify(m?.args ?? {}),
              code: r.error.code,
              message: r.error.message,
              at: now,
              dismissed: 0,
            });
          }
          const rejected = res.results.flatMap((r) =>
            r.status === 'rejected' ? [r.mutationId] : [],
          );
          await acknowledge(trx, res.lastMutationId, rejected, now);
        });
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

  private toWire(m: PendingMutation): Mutation {
    // Stored from a validated command, so the shape is right; the server validates it again.
    return {
      clientId: this.o.clientId,
      mutationId: m.mutationId,
      name: m.name,
      args: m.args,
      occurredAt: m.occurredAt,
    } as Mutation;
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
    const now = this.clock();
    const fresh: Lead[] = [];
    const revoked: { leadId: string; reason: string }[] = [];
    // A change this app cannot read is skipped, not the page: the cursor still moves past it.
    const { changes, skipped } = readChanges(res.changes);
    await this.o.db.transaction().execute(async (trx) => {
      const leads = changes.flatMap((c) => (c.type === 'lead' ? [c] : []));
      const added = await putServerLeads(trx, leads);
      for (const { lead } of leads) {
        if (added.has(lead.id) && lead.status === 'assigned' && lead.seenAt === null) {
          fresh.push(lead);
        }
      }
      // Revocations after the upserts: a page never holds both for one lead (one entry per
      // lead), and a revoke must win over an older copy.
      for (const change of changes) {
        if (change.type !== 'revoked') continue;
        await revokeLead(trx, change.leadId, change.reason, Date.parse(change.at));
        revoked.push({ leadId: change.leadId, reason: change.reason });
      }
      await markNotified(
        trx,
        fresh.map((l) => l.id),
        now,
      );
      const carried = new Set(changes.map((c) => (c.type === 'lead' ? c.lead.id : c.leadId)));
      await settleAcknowledged(trx, cutoff, res.hasMore ? carried : 'all');
      await setState(trx, STATE_KEYS.cursor, res.cursor);
      await setState(trx, STATE_KEYS.lastSyncAt, res.serverTime);
      await setState(trx, STATE_KEYS.receivingLeads, String(res.user.receivingLeads));
      if (res.historyDays !== undefined) {
        await setState(trx, STATE_KEYS.historyDays, String(res.historyDays));
      }
      if (skipped.length > 0) {
        const before = Number((await getState(trx, STATE_KEYS.skippedChanges)) ?? 0);
        await setState(trx, STATE_KEYS.skippedChanges, String(before + skipped.length));
      }
    });
    this.pullFailures = 0;
    this.setOnline();
    for (const r of revoked) {
      this.toasts.withdraw(r.leadId);
      this.o.emit({ type: 'lead.revoked', ...r });
    }
    for (const skip of skipped) this.o.emit({ type: 'change.skipped', ...skip });
    this.toasts.add(fresh);
    this.o.emit({ type: 'synced', changes: changes.length, revoked: revoked.length });
    if (changes.length > 0) this.o.emit({ type: 'queue.changed' });
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

  // ---- live ---------------------------------------------------------------------------------

  private connectLive(): void {
    if (!this.running) return;
    const socket = openLiveSocket(this.o.serverUrl, this.o.token);
    this.socket = socket;
    socket.on('open', () => {
      this.liveFailures = 0;
      this.setOnline();
      // The server is reachable again: retries waiting out a backoff go now.
      for (const wake of this.wakeSleepers.splice(0)) wake();
      this.heard();
      // Whatever happened while we were away: the pull is the source of truth.
      this.pullSoon();
      this.pushSoon();
    });
    socket.on('message', (data: RawData) => {
      this.heard();
      this.onLiveMessage(data);
    });
    socket.on('ping', () => this.heard());
    socket.on('unexpected-response', (_request, response) => {
      if (response.statusCode === 401) this.stop_('signed_out', 'the session is no longer valid');
      socket.terminate();
    });
    socket.on('error', () => undefined); // 'close' follows and decides what to do
    socket.on('close', (code: number) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      if (code === 4001) {
        this.stop_('signed_out', 'signed out on the server');
        return;
      }
      if (!this.running) return;
      const delay = backoffDelay(this.liveFailures++, this.backoff);
      this.setOffline('live channel closed', delay);
      this.later(delay, () => this.connectLive());
    });
  }

  private onLiveMessage(data: RawData): void {
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      this.o.emit({ type: 'invalid.message', source: 'live', message: 'not JSON' });
      return;
    }
    const boardType = boardFrameType(json);
    if (boardType !== null) {
      // Board messages have their own parser (board-protocol.ts), which drops the figures and
      // change kinds a newer server added instead of refusing the message; board types it does
      // not know are ignored like any other new type.
      const board = parseBoardMessage(json);
      if (board) this.o.emit({ type: 'board.message', message: board });
      else if (KNOWN_BOARD_TYPES.has(boardType)) {
        this.o.emit({ type: 'invalid.message', source: 'live', message: `bad ${boardType}` });
      }
      return;
    }
    const parsed = LiveServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : null;
      // Types a newer server added are ignored quietly; known types that do not parse are not.
      if (typeof type === 'string' && !KNOWN_LIVE_TYPES.has(type)) return;
      this.o.emit({ type: 'invalid.message', source: 'live', message: parsed.error.message });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'lead.assigned':
        void this.onAssigned(message.lead, message.reason);
        return;
      case 'lead.revoked':
        void this.onRevoked(message.leadId, message.reason);
        return;
      case 'lead.alert':
        this.onAlert(message.leadId, message.kind, message.text);
        return;
      case 'lead.updated':
      case 'poke':
        this.pullSoon();
        return;
      case 'hello':
        this.o.emit({
          type: 'user.changed',
          role: message.user.role,
          teamId: message.user.teamId,
        });
        return;
      case 'pong':
      case 'error':
        return;
    }
  }

  /** A lead pushed live: stored in one local transaction, then the rep is notified. */
  private async onAssigned(lead: Lead, reason: string): Promise<void> {
    try {
      const now = this.clock();
      const isNew = await this.o.db.transaction().execute(async (trx) => {
        const inserted = await putServerLead(trx, lead, null);
        if (inserted) await markNotified(trx, [lead.id], now);
        return inserted;
      });
      this.o.emit({ type: 'lead.assigned', lead, reason });
      if (isNew) this.toasts.add([lead]);
      this.o.emit({ type: 'queue.changed' });
    } catch (error) {
      this.o.emit({ type: 'invalid.message', source: 'live', message: describe(error) });
    }
    // The timeline and the cursor come with the next pull.
    this.pullSoon();
  }

  /**
   * An alert is a toast of its own (never folded into a burst of new leads: it is about a lead
   * the rep already has), and the lead's new state comes with a pull.
   */
  private onAlert(leadId: string, kind: LeadAlertKind, text: string): void {
    this.o.emit({ type: 'lead.alert', leadId, kind, text });
    this.o.notifier.show({ title: alertTitle(kind), body: text, leadId }).then(
      () => this.o.emit({ type: 'notified', leadIds: [leadId], summary: false }),
      (error: unknown) => this.o.emit({ type: 'notify.failed', message: describe(error) }),
    );
    this.pullSoon();
  }

  private async onRevoked(leadId: string, reason: string): Promise<void> {
    // An offer a teammate claimed (or a lead moved away): its toast goes too.
    this.toasts.withdraw(leadId);
    await revokeLead(this.o.db, leadId, reason, this.clock());
    this.o.emit({ type: 'lead.revoked', leadId, reason });
    this.o.emit({ type: 'queue.changed' });
    this.pullSoon();
  }

  /** Something arrived: the socket is alive. Silence for too long means it is not. */
  private heard(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const socket = this.socket;
    this.silenceTimer = setTimeout(() => {
      if (this.socket === socket) socket?.terminate();
    }, this.o.liveSilenceMs ?? 45_000);
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

const KNOWN_LIVE_TYPES = new Set([
  'hello',
  'lead.assigned',
  'lead.updated',
  'lead.revoked',
  'lead.alert',
  'poke',
  'pong',
  'error',
]);

const KNOWN_BOARD_TYPES: ReadonlySet<string> = new Set(['board.snapshot', 'board.delta']);

/** The type of a board message (`board.*`, also ones a newer server adds), else null. */
function boardFrameType(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || !('type' in json)) return null;
  return typeof json.type === 'string' && json.type.startsWith('board.') ? json.type : null;
}

function alertTitle(kind: LeadAlertKind): string {
  switch (kind) {
    case 'sla_reminder':
      return 'Call now: response time running out';
    case 'sla_breach':
      return 'A lead is past its response-time target';
    case 'sla_reassigned':
      return 'A lead was moved to another rep';
    case 'asked_again':
      return 'A lead asked again';
    case 'callback_due':
      return 'Callback due';
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
