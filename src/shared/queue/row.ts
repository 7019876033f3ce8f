import type { CallableState, TimeZoneSource } from '../calling-hours';
import type { LeadTier } from '../lead';
import {
  CALLBACK,
  type Kind,
  LATER,
  NEW,
  QUEUE_SECTIONS,
  type QueueRow,
  type QueueSection,
  RETRY,
} from './policy';
import type { Prepared, RowContext } from './prepared';
import { reason } from './reason';

/**
 * A queue row: the ordering's own state, every other field derived when read. The reason line
 * is built when read: a queue of thousands shows a screenful at a time, and building every line
 * would cost more than the ordering itself (see docs/benchmarks.md).
 */
export class Row implements QueueRow {
  rank = 0;

  // Four fields: the rows are most of what an ordering allocates (and so of its GC pauses).
  constructor(
    readonly prepared: Prepared,
    /** section * 4 + kind */
    private readonly code: number,
    private readonly context: RowContext,
  ) {}

  private get sectionIndex(): number {
    return this.code >> 2;
  }

  private get kind(): Kind {
    const kind = this.code & 3;
    return kind === CALLBACK || kind === NEW ? kind : RETRY;
  }

  private get state(): CallableState | null {
    return this.context.state;
  }

  get id(): string {
    return this.prepared.lead.id;
  }

  // Derived, not stored: a double field would cost every row a heap number.
  get dueAt(): number {
    const p = this.prepared;
    if (this.kind === CALLBACK) return p.callbackAt;
    if (this.kind === NEW) return p.received;
    return Number.isNaN(p.retryAt) ? p.lastAttempt : p.retryAt;
  }

  get section(): QueueSection {
    return QUEUE_SECTIONS[this.sectionIndex] ?? 'exhausted';
  }

  get tier(): LeadTier {
    return this.prepared.lead.tier;
  }

  get slaDeadlineAt(): number | null {
    return this.kind === NEW
      ? this.prepared.received + this.context.call.settings.sla[this.prepared.lead.tier]
      : null;
  }

  get callableNow(): boolean {
    return this.state === null || this.state.callableNow;
  }

  private get outside(): CallableState | null {
    return this.sectionIndex === LATER ? this.state : null;
  }

  get nextCallableAt(): number | null {
    return this.outside?.nextCallableAt ?? null;
  }

  get nextCallableIso(): string | null {
    return this.outside?.nextCallableIso ?? null;
  }

  get callableAtLocal(): string | null {
    return this.outside?.nextCallableLocal ?? null;
  }

  get timeZone(): string | null {
    return this.prepared.zone?.zone ?? null;
  }

  get timeZoneSource(): TimeZoneSource | null {
    return this.prepared.zoneSource;
  }

  get localTime(): string | null {
    return this.state?.localTime ?? null;
  }

  /** Built on each read (only rows on screen are read; no field kept per row for it). */
  get reason(): string {
    const call = this.context.call;
    return reason(
      this.prepared.lead,
      this.prepared,
      this.section,
      this.kind,
      this.dueAt,
      this.state,
      call.now,
      call.settings,
    );
  }

  toJSON(): QueueRow {
    return plainRow(this);
  }
}

/** A row as plain data, every field and the reason included (e.g. for structured clone). */
export function plainRow(row: QueueRow): QueueRow {
  return {
    id: row.id,
    section: row.section,
    rank: row.rank,
    reason: row.reason,
    tier: row.tier,
    dueAt: row.dueAt,
    slaDeadlineAt: row.slaDeadlineAt,
    callableNow: row.callableNow,
    nextCallableAt: row.nextCallableAt,
    nextCallableIso: row.nextCallableIso,
    callableAtLocal: row.callableAtLocal,
    timeZone: row.timeZone,
    timeZoneSource: row.timeZoneSource,
    localTime: row.localTime,
  };
}
