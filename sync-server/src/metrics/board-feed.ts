import { performance } from 'node:perf_hooks';
import type { BoardDeltaMessage, BoardServerMessage } from '../../../src/shared/board-protocol';
import type { Db } from '../repos/db-types';
import { listTeams } from '../repos/teams';
import type { LiveConnection } from '../live/hub';
import type { LiveMetrics, LiveMetricsConfig } from './live-metrics';
import type { MetricsEvent, MetricsLead } from './metrics-events';
import {
  type CommittedLeadEvent,
  lastLeadEventSeq,
  readBreachRep,
  readLeadEventsAfter,
} from '../repos/board-reads';
import {
  readMetricsLeads,
  readMetricsOutcomes,
  readMetricsRows,
  readRepPresence,
} from './metrics-rows';
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
/**
 * How long a commit waits for others before the board reads them: the board is for people, who
 * do not see 50 ms, and at 50 events/s it makes one read and one send of several events.
 */
const COALESCE_MS = 50;
/** Presence rows compared at most this often under load (see comparePresenceSoon). */
const PRESENCE_EVERY_MS = 200;
/** Timeline entries that move no board figure (the one that does follows in the same write). */
const SILENT: ReadonlySet<string> = new Set(['received', 'seen', 'note', 'callback']);

export class BoardFeed {
  private lastSeq: number;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private rollover: NodeJS.Timeout | null = null;
  private readonly facts = new Map<string, string>();
  private presenceCheckedAt = Number.NEGATIVE_INFINITY;
  private presenceDue = false;
  private presenceTimer: NodeJS.Timeout | null = null;
  /** The run a commit asked for, waiting out COALESCE_MS. */
  private pending: NodeJS.Timeout | null = null;
  /**
   * For the health endpoint and the benchmark: timeline rows read, metrics events applied,
   * deltas sent, and the time spent keeping the board current (reading, applying, sending), ms.
   */
  readonly stats = { rows: 0, events: 0, deltas: 0, busyMs: 0, tails: 0 };

  private constructor(
    private readonly deps: BoardFeedDeps,
    private readonly metrics: LiveMetrics,
    lastSeq: number,
    reps: readonly MetricsRepRow[],
  ) {
    this.lastSeq = lastSeq;
    for (const rep of reps) this.facts.set(rep.repId, factKey(rep));
  }

  /** Leads on some board (open, waiting, nurture): what the board holds in memory. */
  get trackedLeads(): number {
    return this.metrics.trackedLeads;
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

  /**
   * Something was committed: read and apply it within COALESCE_MS, with whatever else commits
   * meanwhile (one read and one delta per team for the lot, not one per commit).
   */
  wake(): void {
    if (this.closed || this.pending) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.pending = setTimeout(() => {
      this.pending = null;
      this.runNow();
    }, COALESCE_MS);
  }

  private runNow(): void {
    if (this.closed) return;
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
    while (this.pending || this.running) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, COALESCE_MS)));
    }
  }

  /** A rep's socket count went from 0 to 1 or back: compared at the next run, whatever the time. */
  presenceChanged(): void {
    this.presenceDue = true;
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
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }

  private async tail(): Promise<void> {
    const started = performance.now();
    try {
      await this.readAndApply();
    } finally {
      this.stats.busyMs += performance.now() - started;
      this.stats.tails += 1;
    }
  }

  private async readAndApply(): Promise<void> {
    const db = this.deps.db;
    for (;;) {
      const rows = await readLeadEventsAfter(db, this.lastSeq, PAGE);
      const last = rows.at(-1);
      if (last) {
        this.stats.rows += rows.length;
        const events = await this.toMetrics(rows);
        this.stats.events += events.length;
        this.send(this.metrics.applyAll(events));
        this.lastSeq = last.seq;
      }
      if (rows.length < PAGE) break;
    }
    await this.comparePresenceSoon();
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

  /**
   * What a run of lead events means for the board. Each lead is read once, as it is now (the
   * board wants where a lead is, and a later event's state includes an earlier one's); what is
   * counted (calls, breaches) is counted per event. Events that move no figure (the lead was
   * received, opened, noted, given a callback) read nothing.
   */
  private async toMetrics(rows: readonly CommittedLeadEvent[]): Promise<MetricsEvent[]> {
    const db = this.deps.db;
    const relevant = rows.filter((r) => !SILENT.has(r.type));
    if (relevant.length === 0) return [];
    const leads = await readMetricsLeads(db, [...new Set(relevant.map((r) => r.leadId))]);
    const outcomeIds = relevant.flatMap((r) =>
      r.type === 'outcome' && typeof r.data.outcomeId === 'string' ? [r.data.outcomeId] : [],
    );
    const outcomes = await readMetricsOutcomes(db, outcomeIds);
    const events: MetricsEvent[] = [];
    const placed = new Set<string>();
    for (const row of relevant) {
      const lead = leads.get(row.leadId);
      if (!lead) continue;
      const at = row.at;
      if (row.type === 'outcome') {
        const outcomeId = row.data.outcomeId;
        const outcome = typeof outcomeId === 'string' ? outcomes.get(outcomeId) : undefined;
        if (outcome) {
          events.push({ type: 'outcome.logged', at, lead, outcome });
          placed.add(lead.id);
          continue;
        }
      }
      if (row.type === 'escalation' && row.data.step === 'alert_lead') {
        const repId = await readBreachRep(db, row.leadId, at);
        if (repId) {
          events.push({ type: 'sla.breached', at, leadId: lead.id, teamId: lead.teamId, repId });
        }
      }
      if (placed.has(lead.id)) continue; // already placed where it is now
      placed.add(lead.id);
      events.push(leadEvent(row, lead));
    }
    return events;
  }

  /**
   * Presence facts (receiving leads, away) live in rows the lead events do not cover: compared
   * after a run, at most every PRESENCE_EVERY_MS under load (a commit in between is checked when
   * that time is up), so a busy board does not read every rep per commit.
   */
  private async comparePresenceSoon(): Promise<void> {
    const since = performance.now() - this.presenceCheckedAt;
    if (since >= PRESENCE_EVERY_MS || this.presenceDue) {
      this.presenceDue = false;
      this.presenceCheckedAt = performance.now();
      await this.comparePresence();
      return;
    }
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.presenceDue = true;
      this.wake();
    }, PRESENCE_EVERY_MS - since);
    this.presenceTimer.unref();
  }

  /** Reps whose presence facts changed since the last batch (a handful of rows: reps only). */
  private async comparePresence(): Promise<void> {
    const now = this.deps.clock();
    const reps = await readRepPresence(this.deps.db, (id) => this.deps.hub.isOnline(id));
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
function leadEvent(row: CommittedLeadEvent, lead: MetricsLead): MetricsEvent {
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
