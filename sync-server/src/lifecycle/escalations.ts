import type { Lead } from '../../../src/shared/lead';
import type { LiveServerMessage } from '../../../src/shared/live-protocol';
import type { LeadRow } from '../db/schema';
import type { WriteQueue, WriteContext } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import type { ScheduledWork } from '../ports/scheduled-work';
import type { SlaSchedule } from '../ports/sla-schedule';
import type { Db } from '../repos/db-types';
import {
  closeOpenDeadlines,
  closeOpenDeadlinesOfKind,
  type DeadlineRow,
  dueDeadlines,
  insertDeadline,
  insertDeadlines,
  markDeadlineDone,
  nextDueAt,
  setDeadlineResult,
} from '../repos/deadlines';
import { recordLeadUpsert } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { findLeadById } from '../repos/leads';
import { listUsers } from '../repos/users';
import type { Router } from '../routing/router';
import { escalationSteps, escalationText, type SlaLadder } from './sla-ladder';

/*
 * The SLA escalation ladder, run for real: each untouched lead's steps are stored as deadlines
 * in the same transaction as its assignment (`scheduleFor`), and one timer wakes the scheduler
 * for the earliest. A step runs in its own write transaction that first marks it done, so it
 * runs once even across restarts and concurrent wake-ups, and only if the lead is still
 * untouched in the same rep's hands (otherwise it is recorded as skipped).
 *
 * The clock is the server's (controllable in tests); `runDue(now)` runs what is due at `now`
 * and is what the timer calls, so tests drive the ladder without sleeping.
 */

export interface LiveSender {
  sendToUser(userId: string, message: LiveServerMessage): number;
  leadAssigned(userId: string, lead: Lead, reason: string): void;
  leadRevoked(userId: string, leadId: string, reason: string): void;
}

export interface EscalationDeps {
  readonly writes: WriteQueue;
  readonly readDb: Db;
  /** Read when a step reassigns (the router's assignments come back to `scheduleFor`). */
  readonly router: () => Router;
  readonly live: LiveSender;
  readonly clock: () => number;
  readonly ladder: SlaLadder;
  /** Wake-ups: the real timers by default. */
  readonly timers?: {
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
  readonly onError?: (error: unknown) => void;
}

/** The longest a single timer waits (setTimeout's limit is 2^31 - 1 ms). */
const MAX_WAIT_MS = 2 ** 31 - 1;
const BATCH = 100;

export class Escalations implements SlaSchedule {
  private timer: unknown = null;
  private armedFor: number | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly timers: NonNullable<EscalationDeps['timers']>;
  private readonly works: ScheduledWork[] = [];

  constructor(private readonly deps: EscalationDeps) {
    this.timers = deps.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
  }

  /**
   * Stores the ladder for `lead` in `userId`'s hands, its clock starting at `startAt`; call in
   * the transaction that assigns it. The timer is set at once: should that transaction roll
   * back, the wake-up finds nothing due and goes back to sleep.
   */
  async scheduleFor(
    trx: Db,
    lead: Pick<LeadRow, 'id' | 'tier'>,
    userId: string,
    startAt: number,
  ): Promise<number> {
    const steps = escalationSteps(lead.tier, startAt, this.deps.ladder);
    await insertDeadlines(trx, lead.id, userId, steps);
    const first = steps[0]?.at ?? startAt;
    this.wake(first);
    return first;
  }

  /**
   * Stores the alert of a callback booked for `at` for the lead's holder `userId`; an open one
   * for someone else ends (the callback followed the lead to a new rep).
   */
  async callbackFor(
    trx: Db,
    leadId: string,
    userId: string,
    at: number,
    now: number,
  ): Promise<void> {
    await closeOpenDeadlinesOfKind(trx, leadId, 'callback_due', 'skipped: the lead moved', now);
    await insertDeadline(trx, leadId, userId, 'callback_due', at);
    this.wake(at);
  }

  /** Runs `work` (claim-mode fallbacks, away periods) on this scheduler's timer too (register before `start`). */
  addWork(work: ScheduledWork): void {
    this.works.push(work);
  }

  /** The lead was touched, moved or closed: its open steps will not run. */
  async cancelFor(trx: Db, leadId: string, why: string, now: number): Promise<void> {
    await closeOpenDeadlines(trx, leadId, `skipped: ${why}`, now);
  }

  /** Arms the timer for the earliest open deadline (at start, and after a restart). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.arm();
  }

  /** A deadline at `at` was just committed: wake up for it if it is earlier than the timer. */
  wake(at: number): void {
    if (this.stopped) return;
    if (this.armedFor !== null && this.armedFor <= at) return;
    this.setTimer(at);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
  }

  /** Runs every step due at `now`; resolves to how many ran (skipped ones count). */
  runDue(now: number = this.deps.clock()): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).then(() => this.runBatches(now));
    this.running = run.finally(() => {
      if (this.running === run) this.running = null;
    });
    return run;
  }

  private async runBatches(now: number): Promise<number> {
    let ran = 0;
    for (;;) {
      const due = await dueDeadlines(this.deps.readDb, now, BATCH);
      if (due.length === 0) break;
      for (const deadline of due) {
        await this.deps.writes.run((ctx) => this.runOne(ctx, deadline, now));
        ran += 1;
      }
      if (due.length < BATCH) break;
    }
    for (const work of this.works) ran += await work.runDue(now);
    if (!this.stopped) await this.arm();
    return ran;
  }

  private async runOne(ctx: WriteContext, deadline: DeadlineRow, now: number): Promise<void> {
    const { trx } = ctx;
    // The guard: a step already done (run before a restart, or by a wake-up racing this one)
    // is left alone. Its result is written below, in this same transaction.
    if (!(await markDeadlineDone(trx, deadline.id, 'running', now))) return;
    const lead = await findLeadById(trx, deadline.lead_id);
    const result = await this.apply(ctx, deadline, lead, now);
    await setDeadlineResult(trx, deadline.id, result);
  }

  private async apply(
    { trx, afterCommit }: WriteContext,
    deadline: DeadlineRow,
    lead: LeadRow | undefined,
    now: number,
  ): Promise<string> {
    if (!lead) return 'skipped: no such lead';
    if (deadline.kind === 'callback_due') return this.callbackDue(afterCommit, deadline, lead);
    if (lead.assigned_to !== deadline.user_id) return 'skipped: the lead moved to another rep';
    if (lead.first_touch_at !== null || lead.status !== 'assigned') {
      return `skipped: the lead is ${lead.first_touch_at !== null ? 'touched' : lead.status}`;
    }
    const waited = now - Number(lead.assigned_at ?? lead.received_at);
    const text = escalationText(deadline.kind, lead.tier, waited);
    const rep = deadline.user_id;
    switch (deadline.kind) {
      case 'remind_rep': {
        await insertLeadEvent(trx, {
          leadId: lead.id,
          type: 'escalation',
          at: now,
          data: { step: deadline.kind, to: rep, text },
        });
        await recordLeadUpsert(trx, lead.id, rep, now);
        afterCommit(() => {
          this.deps.live.sendToUser(rep, alert(lead.id, 'sla_reminder', text));
        });
        return 'reminded the rep';
      }
      case 'alert_lead': {
        const leads =
          lead.team_id === null
            ? []
            : (await listUsers(trx, { teamId: lead.team_id })).filter(
                (u) => u.role === 'lead' && Number(u.active) === 1,
              );
        await insertLeadEvent(trx, {
          leadId: lead.id,
          type: 'escalation',
          at: now,
          data: { step: deadline.kind, to: leads.map((u) => u.id), text },
        });
        await recordLeadUpsert(trx, lead.id, rep, now);
        afterCommit(() => {
          for (const teamLead of leads) {
            this.deps.live.sendToUser(teamLead.id, alert(lead.id, 'sla_breach', text));
          }
        });
        return leads.length === 0
          ? 'no team lead to alert'
          : `alerted ${leads.length} team lead${leads.length > 1 ? 's' : ''}`;
      }
      case 'reassign':
        return this.reassign({ trx, afterCommit }, lead, rep, text, now);
    }
  }

  /** A callback the rep booked falls due: they are told, if it is still theirs and still then. */
  private callbackDue(
    afterCommit: WriteContext['afterCommit'],
    deadline: DeadlineRow,
    lead: LeadRow,
  ): string {
    if (lead.assigned_to !== deadline.user_id) return 'skipped: the lead moved to another rep';
    if (lead.status !== 'assigned' && lead.status !== 'working') {
      return `skipped: the lead is ${lead.status}`;
    }
    if (lead.callback_at === null || Number(lead.callback_at) !== Number(deadline.due_at)) {
      return 'skipped: the callback moved';
    }
    const text = `Callback due: ${lead.name}${lead.company ? ` (${lead.company})` : ''}`;
    afterCommit(() => {
      this.deps.live.sendToUser(deadline.user_id, alert(lead.id, 'callback_due', text));
    });
    return 'told the rep';
  }

  /** The last step: the lead goes to the team's next eligible rep (the one assignment path). */
  private async reassign(
    { trx, afterCommit }: WriteContext,
    lead: LeadRow,
    from: string,
    text: string,
    now: number,
  ): Promise<string> {
    if (lead.team_id === null) return 'skipped: the lead has no team';
    const moved = await this.deps.router().assign(trx, {
      lead,
      now,
      to: { kind: 'next', exclude: new Set([from]) },
      describe: (to, routing) => {
        const reason = `SLA: untouched too long; moved to ${to.name}`;
        return {
          reason,
          event: {
            leadId: lead.id,
            type: 'reassigned',
            at: now,
            data: { from, to: to.id, reason, by: 'sla', routing },
          },
        };
      },
      closeSteps: 'reassigned by the SLA ladder',
    });
    if (!moved) {
      await insertLeadEvent(trx, {
        leadId: lead.id,
        type: 'escalation',
        at: now,
        data: { step: 'reassign', text, result: 'no other rep is eligible' },
      });
      await recordLeadUpsert(trx, lead.id, from, now);
      return 'skipped: no other rep is eligible';
    }
    const view = toLead(moved.lead);
    afterCommit(() => {
      this.deps.live.leadRevoked(from, lead.id, moved.reason);
      this.deps.live.sendToUser(from, alert(lead.id, 'sla_reassigned', text));
      this.deps.live.leadAssigned(moved.userId, view, `${moved.reason} (${moved.routing})`);
    });
    return `reassigned to ${moved.userName}`;
  }

  private async arm(): Promise<void> {
    let next = await nextDueAt(this.deps.readDb);
    for (const work of this.works) {
      const at = await work.nextDueAt();
      if (at !== null && (next === null || at < next)) next = at;
    }
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = null;
    if (next !== null && !this.stopped) this.setTimer(next);
  }

  private setTimer(at: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.armedFor = at;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, at - this.deps.clock()));
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.armedFor = null;
      this.runDue().catch((error: unknown) => this.deps.onError?.(error));
    }, wait);
  }
}

function alert(
  leadId: string,
  kind: Extract<LiveServerMessage, { type: 'lead.alert' }>['kind'],
  text: string,
): LiveServerMessage {
  return { type: 'lead.alert', leadId, kind, text };
}
