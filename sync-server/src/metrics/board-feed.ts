import type { BoardDeltaMessage, BoardServerMessage } from '../../../src/shared/board-protocol';
import type { Db } from '../repos/db-types';
import { listTeams } from '../repos/teams';
import type { LiveConnection } from '../live/hub';
import type { LiveMetrics, LiveMetricsConfig } from './live-metrics';
import type { MetricsEvent, MetricsLead } from './metrics-events';
import {
  type LeadEventRow,
  lastLeadEventSeq,
  readBreachRep,
  readLeadEventsAfter,
  readMetricsLead,
  readMetricsOutcome,
  readMetricsRows,
  readRepFacts,
} from './metrics-reads';
import type { MetricsRepRow } from './rebuild';
import { rebuildFromRows } from './rebuild';

/*
 * Keeps the live board current and sends it. The board is rebuilt once at start from SQLite;
 * after that every committed batch of writes wakes the feed (WriteQueue.onCommitted), which
 * reads the lead events committed since the last one it saw (in commit order: SQLite's rowid,
 * the write queue is serial), turns each into a metrics event (the lead as it is now, the
 * outcome, the breach) and applies it: incremental, never a recount. Reps' presence comes from
 * the live hub (connected) and their rows (receiving leads, away), compared each batch.
 *
 * One tail runs at a time; a commit during it runs another right after, so nothing is missed
 * and nothing is applied twice.
 *
 *   const feed = await BoardFeed.start({ db, hub, clock, config });
 *   writes.onCommitted(() => feed.wake());
 */

export interface BoardFeedHub {
  isOnline(userId: string): boolean;
  sendToBoard(teamId: string, message: BoardDeltaMessage): number;
  sendToConnection(conn: LiveConnection, message: BoardServerMessage): void;
}

export interface BoardFeedDeps {
  /** The reader connection (committed data). */
  readonly db: Db;
  readonly hub: BoardFeedHub;
  readonly clock: () => number;
  readonly config: LiveMetricsConfig;
  readonly log?: (message: string, error?: unknown) => void;
}

/** Events read per query while catching up. */
const PAGE = 500;

export class BoardFeed {
  private lastSeq: number;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private rollover: NodeJS.Timeout | null = null;
  private readonly facts = new Map<string, string>();
  /** Applied events, for the health endpoint and the benchmark. */
  readonly stats = { events: 0, deltas: 0 };

  private constructor(
    private readonly deps: BoardFeedDeps,
    private readonly metrics: LiveMetrics,
    lastSeq: number,
    reps: readonly MetricsRepRow[],
  ) {
    this.lastSeq = lastSeq;
    for (const rep of reps) this.facts.set(rep.repId, factKey(rep));
  }

  /** Rebuilds the board from the database; call before the server takes writes. */
  static async start(deps: BoardFeedDeps): Promise<BoardFeed> {
    const now = deps.clock();
    const isOnline = (id: string) => deps.hub.isOnline(id);
    // Read together: the events the rows already hold are not applied again.
    const { rows, seq } = await deps.db.transaction().execute(async (trx) => ({
      seq: await lastLeadEventSeq(trx),
      rows: await readMetricsRows(trx, now, isOnline),
    }));
    const feed = new BoardFeed(deps, rebuildFromRows(rows, now, deps.config), seq, rows.reps);
    feed.scheduleRollover();
    return feed;
  }

  /** Something was committed: read and apply it (coalesced while a tail runs). */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tail()
      .catch((error: unknown) => this.deps.log?.('live board: could not apply a change', error))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Waits until everything committed so far is on the board (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** A rep's socket count went from 0 to 1 or back. */
  presenceChanged(): void {
    this.wake();
  }

  /** A lead's or an admin's socket joined: the boards they may watch, whole. */
  async connected(conn: LiveConnection): Promise<void> {
    const { role, team_id: teamId } = conn.user;
    if (role === 'rep') return;
    const teams =
      role === 'admin'
        ? (await listTeams(this.deps.db)).map((t) => t.id)
        : teamId === null
          ? []
          : [teamId];
    for (const id of teams) {
      const { snapshot, deltas } = this.metrics.snapshot(id, this.deps.clock());
      this.send(deltas);
      this.deps.hub.sendToConnection(conn, snapshot);
    }
  }

  close(): void {
    this.closed = true;
    if (this.rollover) clearTimeout(this.rollover);
    this.rollover = null;
  }

  private async tail(): Promise<void> {
    const db = this.deps.db;
    for (;;) {
      const events = await readLeadEventsAfter(db, this.lastSeq, PAGE);
      for (const row of events) {
        for (const event of await this.toMetrics(row)) this.apply(event);
        this.lastSeq = row.seq;
      }
      if (events.length < PAGE) break;
    }
    await this.comparePresence();
  }

  private apply(event: MetricsEvent): void {
    this.stats.events += 1;
    this.send(this.metrics.apply(event));
  }

  private send(deltas: readonly BoardDeltaMessage[]): void {
    for (const delta of deltas) {
      this.stats.deltas += 1;
      this.deps.hub.sendToBoard(delta.teamId, delta);
    }
  }

  /** What one lead event means for the board: the lead as it is now, and what to count. */
  private async toMetrics(row: LeadEventRow): Promise<MetricsEvent[]> {
    const db = this.deps.db;
    const lead = await readMetricsLead(db, row.leadId);
    if (!lead) return [];
    const at = row.at;
    if (row.type === 'outcome') {
      const outcomeId = row.data.outcomeId;
      const outcome =
        typeof outcomeId === 'string' ? await readMetricsOutcome(db, outcomeId) : null;
      return outcome ? [{ type: 'outcome.logged', at, lead, outcome }] : [leadChanged(at, lead)];
    }
    if (row.type === 'escalation' && row.data.step === 'alert_lead') {
      const repId = await readBreachRep(db, row.leadId, at);
      const changed = leadChanged(at, lead);
      return repId
        ? [changed, { type: 'sla.breached', at, leadId: lead.id, teamId: lead.teamId, repId }]
        : [changed];
    }
    return [leadEvent(row, lead)];
  }

  /** Reps whose presence facts changed since the last batch (a handful of rows: reps only). */
  private async comparePresence(): Promise<void> {
    const now = this.deps.clock();
    const reps = await readRepFacts(this.deps.db, (id) => this.deps.hub.isOnline(id));
    const seen = new Set<string>();
    for (const rep of reps) {
      seen.add(rep.repId);
      const key = factKey(rep);
      if (this.facts.get(rep.repId) === key) continue;
      this.facts.set(rep.repId, key);
      this.apply({
        type: 'rep.presence',
        at: now,
        repId: rep.repId,
        teamId: rep.teamId,
        connected: rep.connected,
        receivingLeads: rep.receivingLeads,
        away: rep.away,
      });
    }
    // Deactivated, made a lead, or moved off every team: off the boards.
    for (const repId of [...this.facts.keys()]) {
      if (seen.has(repId)) continue;
      this.facts.delete(repId);
      this.apply({ type: 'rep.presence', at: now, repId, teamId: null });
    }
  }

  /** The day ends at different times per zone: one timer for the next rollover. */
  private scheduleRollover(): void {
    if (this.closed) return;
    const next = this.metrics.nextRolloverAt();
    if (next === null) return;
    const wait = Math.max(1_000, Math.min(next - this.deps.clock(), 6 * 3_600_000));
    this.rollover = setTimeout(() => {
      this.send(this.metrics.advance(this.deps.clock()));
      this.scheduleRollover();
    }, wait);
    this.rollover.unref();
  }
}

function factKey(rep: MetricsRepRow): string {
  return `${rep.teamId}|${rep.connected ? 1 : 0}|${rep.receivingLeads ? 1 : 0}|${rep.away ? 1 : 0}`;
}

/** The event a timeline entry stands for, by its type and where the lead is now. */
function leadEvent(row: LeadEventRow, lead: MetricsLead): MetricsEvent {
  const at = row.at;
  const held = heldLead(lead);
  switch (row.type) {
    case 'assigned':
      if (held) return { type: 'lead.routed', at, lead: held };
      break;
    case 'reassigned':
      if (held) {
        const from = typeof row.data.from === 'string' ? row.data.from : null;
        const by = row.data.by === 'sla' ? 'sla' : row.data.by === 'away' ? 'away' : 'manual';
        return { type: 'lead.reassigned', at, lead: held, fromRepId: from, by };
      }
      break;
    case 'queued':
    case 'offered':
    case 'offer_expired':
      if (lead.status === 'unassigned')
        return { type: 'lead.queued', at, lead: { ...lead, status: 'unassigned' } };
      break;
    case 'nurtured':
      if (lead.status === 'nurture')
        return { type: 'lead.nurtured', at, lead: { ...lead, status: 'nurture' } };
      break;
  }
  return leadChanged(at, lead);
}

/** Any other change to a lead (a repeat inquiry, a release, a status set by an admin). */
function leadChanged(at: number, lead: MetricsLead): MetricsEvent {
  return { type: 'lead.reopened', at, lead };
}

function heldLead(
  lead: MetricsLead,
): (MetricsLead & { status: 'assigned' | 'working'; repId: string }) | null {
  if ((lead.status === 'assigned' || lead.status === 'working') && lead.repId !== null) {
    return { ...lead, status: lead.status, repId: lead.repId };
  }
  return null;
}
