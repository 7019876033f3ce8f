import type { AwayPeriod, SetAwayInput } from '../../../src/shared/away';
import { uuidv7 } from '../../../src/shared/ids';
import type { Lead } from '../../../src/shared/lead';
import type { UserRole } from '../../../src/shared/user';
import type { UserRow } from '../db/schema';
import type { WriteContext, WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import { ApiError } from '../domain/api-error';
import type { LeadNotifier } from '../ports/lead-notifier';
import {
  dueAwayEnds,
  dueAwayStarts,
  findAwayPeriod,
  findCurrentAwayPeriod,
  findLatestAwayPeriod,
  insertAwayPeriod,
  markAwayEnded,
  markAwayStarted,
  nextAwayTransition,
  updateAwayPeriod,
  type AwayPeriodRow,
} from '../repos/away-periods';
import type { ScheduledWork } from '../ports/scheduled-work';
import type { SlaSchedule } from '../ports/sla-schedule';
import type { Db } from '../repos/db-types';
import { recordLeadRevoke } from '../repos/lead-changes';
import { insertLeadEvent } from '../repos/lead-events';
import { listOpenLeadsHeldBy, updateLead } from '../repos/leads';
import { findUserById } from '../repos/users';
import type { Assignment } from '../routing/assign';
import { withdrawOffersOf } from '../routing/claims';
import type { Dispatcher } from '../routing/dispatcher';
import type { Router } from '../routing/router';
import { iso, periodIssues, toAwayPeriod } from './away-period';

/*
 * Away periods (docs/lifecycle.md, "Claim mode and away periods"). While a rep is away (from <= now < until) routing and
 * offers skip them: that is read from the period's times on every pick, so it holds at once and
 * whether or not the server was running. The period's two transitions run once each on the
 * lifecycle scheduler (the Escalations timer), each in a write that marks it done:
 *
 * - start: the rep's open offers are withdrawn, their untouched leads (assigned, no attempt, no
 *   callback) go to teammates by fair routing, or back to the team queue when nobody is
 *   eligible; callbacks and worked leads stay theirs unless `lifecycle.away.moveCallbacks`.
 * - end: their fairness pass is brought level with the team (no flood of catch-up leads), and
 *   the team's waiting leads are handed out, now that they may be the one a lead needs.
 */

/** Who is setting a period: a signed-in user, or the admin CLI (id null, acting as admin). */
export interface AwayActor {
  readonly id: string | null;
  readonly role: UserRole;
  readonly teamId: string | null;
}

export interface AwayDeps {
  readonly writes: WriteQueue;
  /** Committed data only (the reader connection), for the scheduler's look-ups. */
  readonly readDb: Db;
  readonly router: Router;
  readonly dispatcher: Pick<Dispatcher, 'drainWithin'>;
  readonly notifier: LeadNotifier;
  readonly clock: () => number;
  /**
   * The SLA ladder: the steps of leads sent back to the team queue close, and new periods wake
   * the scheduler (moved leads keep their ladder through the router's assignment path).
   */
  readonly escalations?: Pick<SlaSchedule, 'cancelFor' | 'wake'>;
  /** Config `lifecycle.away.moveCallbacks`. */
  readonly moveCallbacks: boolean;
  /**
   * False in the admin CLI: it stores periods and leaves their transitions to the running server,
   * which owns the live channel (the CLI could tell nobody, and to it nobody is online).
   */
  readonly runTransitions: boolean;
}

const BATCH = 100;

export class AwayService implements ScheduledWork {
  constructor(private readonly deps: AwayDeps) {}

  /**
   * The user's period still to come or under way, else their latest one (ended or called off),
   * or null when they never had one. 404/403 as for `set`.
   */
  async get(actor: AwayActor, userId: string): Promise<AwayPeriod | null> {
    await this.target(this.deps.readDb, actor, userId);
    const row =
      (await findCurrentAwayPeriod(this.deps.readDb, userId, this.deps.clock())) ??
      (await findLatestAwayPeriod(this.deps.readDb, userId));
    return row ? toAwayPeriod(row) : null;
  }

  /**
   * Sets the rep's away period: the one still to come or under way is changed, else a new one
   * is made. A period that is under way keeps its start (it cannot move into the future; end it
   * first). A period that starts now starts in this write (its leads are handed on before the
   * answer); a later one, when the scheduler reaches it.
   *
   *   await away.set(actor, repId, { until: '2026-12-24T17:00:00Z', reason: 'holiday' });
   */
  async set(actor: AwayActor, userId: string, input: SetAwayInput): Promise<AwayPeriod> {
    return this.deps.writes.run(async (ctx) => {
      const { trx, afterCommit } = ctx;
      const now = this.deps.clock();
      await this.target(trx, actor, userId);
      const from = input.from === undefined ? now : Date.parse(input.from);
      const until = Date.parse(input.until);
      const issues = periodIssues(from, until, now);
      if (issues.length > 0) throw ApiError.validation(issues);

      const current = await findCurrentAwayPeriod(trx, userId, now);
      let id: string;
      if (!current) {
        id = uuidv7();
        await insertAwayPeriod(trx, {
          id,
          user_id: userId,
          starts_at: from,
          ends_at: until,
          reason: input.reason ?? null,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
          started_at: null,
          start_result: null,
          ended_at: null,
          end_result: null,
          cancelled_at: null,
        });
      } else {
        id = current.id;
        if (current.started_at !== null && from > now) {
          throw ApiError.conflict(
            `already away since ${iso(current.starts_at)}: end that period first, or leave "from" out`,
          );
        }
        await updateAwayPeriod(trx, id, {
          ...(current.started_at === null && { starts_at: from }),
          ends_at: until,
          reason: input.reason ?? current.reason,
          updated_at: now,
        });
      }
      let row = await this.mustFind(trx, id);
      if (this.deps.runTransitions && row.started_at === null && Number(row.starts_at) <= now) {
        await this.start(ctx, row, now);
        row = await this.mustFind(trx, id);
      }
      const next = row.started_at === null ? Number(row.starts_at) : Number(row.ends_at);
      afterCommit(() => this.deps.escalations?.wake(next));
      return toAwayPeriod(row);
    });
  }

  /**
   * Ends the rep's period now: one under way ends (they are back at once, level with the team),
   * one still to come is called off. 404 when there is none.
   */
  async end(actor: AwayActor, userId: string): Promise<AwayPeriod> {
    return this.deps.writes.run(async (ctx) => {
      const { trx } = ctx;
      const now = this.deps.clock();
      await this.target(trx, actor, userId);
      const current = await findCurrentAwayPeriod(trx, userId, now);
      if (!current) throw ApiError.notFound('away period');
      if (current.started_at === null) {
        // Nothing ran, so nothing is undone: the period simply never happens.
        await updateAwayPeriod(trx, current.id, { cancelled_at: now, updated_at: now });
        const user = await findUserById(trx, userId);
        if (this.deps.runTransitions && user?.team_id && Number(current.starts_at) <= now) {
          await this.deps.dispatcher.drainWithin(ctx, user.team_id);
        }
      } else {
        await updateAwayPeriod(trx, current.id, { ends_at: now, updated_at: now });
        if (this.deps.runTransitions) {
          await this.finish(ctx, await this.mustFind(trx, current.id), now);
        }
      }
      return toAwayPeriod(await this.mustFind(trx, current.id));
    });
  }

  async nextDueAt(): Promise<number | null> {
    if (!this.deps.runTransitions) return null;
    return nextAwayTransition(this.deps.readDb);
  }

  /** Runs every start, then every end, due at `now`; resolves to how many ran. */
  async runDue(now: number): Promise<number> {
    if (!this.deps.runTransitions) return 0;
    let ran = 0;
    for (;;) {
      const due = await dueAwayStarts(this.deps.readDb, now, BATCH);
      for (const period of due) {
        const done = await this.deps.writes.run(async (ctx) => {
          const row = await findAwayPeriod(ctx.trx, period.id);
          return row !== undefined && (await this.start(ctx, row, now));
        });
        if (done) ran += 1;
      }
      if (due.length < BATCH) break;
    }
    for (;;) {
      const due = await dueAwayEnds(this.deps.readDb, now, BATCH);
      for (const period of due) {
        const done = await this.deps.writes.run(async (ctx) => {
          const row = await findAwayPeriod(ctx.trx, period.id);
          return row !== undefined && (await this.finish(ctx, row, now));
        });
        if (done) ran += 1;
      }
      if (due.length < BATCH) break;
    }
    return ran;
  }

  /**
   * The start, in the caller's write. The guard marks it run first, so it runs once (a restart,
   * a racing wake-up and an inline start all find it marked). False when there was nothing to do.
   */
  private async start(ctx: WriteContext, period: AwayPeriodRow, now: number): Promise<boolean> {
    const { trx, afterCommit } = ctx;
    if (period.started_at !== null || period.cancelled_at !== null) return false;
    if (Number(period.starts_at) > now) return false;
    if (Number(period.ends_at) <= now) {
      // The server was down for the whole period: the rep is back, so nothing moves now.
      return markAwayStarted(trx, period.id, now, 'skipped: the period was over when it ran');
    }
    if (!(await markAwayStarted(trx, period.id, now, 'running'))) return false;
    const rep = await findUserById(trx, period.user_id);
    if (!rep) {
      await updateAwayPeriod(trx, period.id, { start_result: 'skipped: no such user' });
      return true;
    }
    const until = iso(period.ends_at);
    const tell: (() => void)[] = [];

    const offers = await withdrawOffersOf(
      trx,
      this.deps.router,
      rep.id,
      `you are away until ${until}: the offer was withdrawn`,
      now,
    );
    for (const leadId of offers.withdrawn) {
      tell.push(() =>
        this.deps.notifier.leadRevoked(
          rep.id,
          leadId,
          `you are away until ${until}: offer withdrawn`,
        ),
      );
    }
    tell.push(...offers.routed.map((a) => this.tellAssigned(a, a.reason)));

    let moved = 0;
    let queued = 0;
    let kept = 0;
    for (const lead of await listOpenLeadsHeldBy(trx, rep.id)) {
      const untouched =
        lead.status === 'assigned' && lead.first_touch_at === null && lead.callback_at === null;
      if ((!untouched && !this.deps.moveCallbacks) || lead.team_id === null) {
        kept += 1;
        continue;
      }
      const handed = await this.deps.router.assign(trx, {
        lead,
        now,
        to: { kind: 'next', exclude: new Set([rep.id]) },
        describe: (to, routing) => {
          const reason = `${rep.name} is away until ${until}; moved to ${to.name}`;
          return {
            reason,
            event: {
              leadId: lead.id,
              type: 'reassigned',
              at: now,
              data: { from: rep.id, to: to.id, reason, by: 'away', routing },
            },
          };
        },
        closeSteps: `moved: ${rep.name} is away`,
      });
      if (handed) {
        const view = toLead(handed.lead);
        tell.push(() => {
          this.deps.notifier.leadRevoked(
            rep.id,
            lead.id,
            `you are away until ${until}; moved to ${handed.userName}`,
          );
          this.deps.notifier.leadAssigned(
            handed.userId,
            view,
            `${handed.reason} (${handed.routing})`,
          );
        });
        moved += 1;
      } else if (untouched) {
        const reason = `${rep.name} is away until ${until} and no teammate is eligible now: back in the team queue`;
        await updateLead(trx, lead.id, {
          status: 'unassigned',
          assigned_to: null,
          assigned_at: null,
          seen_at: null,
          updated_at: now,
        });
        await insertLeadEvent(trx, {
          leadId: lead.id,
          type: 'released',
          at: now,
          data: { from: rep.id, reason, by: 'away' },
        });
        await recordLeadRevoke(trx, lead.id, rep.id, reason, now);
        await this.deps.escalations?.cancelFor(trx, lead.id, `released: ${rep.name} is away`, now);
        tell.push(() => this.deps.notifier.leadRevoked(rep.id, lead.id, reason));
        queued += 1;
      } else {
        // A callback or worked lead with nobody to take it: better with its rep than with no one.
        kept += 1;
      }
    }
    await updateAwayPeriod(trx, period.id, {
      start_result:
        `moved ${moved} lead${moved === 1 ? '' : 's'}, ${queued} back to the team queue, ` +
        `kept ${kept}, withdrew ${offers.withdrawn.length} offer${offers.withdrawn.length === 1 ? '' : 's'}`,
    });
    afterCommit(() => {
      for (const fn of tell) fn();
      this.deps.notifier.poke(rep.id);
    });
    return true;
  }

  /** The end, in the caller's write; once, like the start. */
  private async finish(ctx: WriteContext, period: AwayPeriodRow, now: number): Promise<boolean> {
    const { trx, afterCommit } = ctx;
    if (period.started_at === null || period.ended_at !== null) return false;
    if (Number(period.ends_at) > now) return false;
    if (!(await markAwayEnded(trx, period.id, now, 'running'))) return false;
    const rep = await findUserById(trx, period.user_id);
    let result = 'back';
    if (rep?.team_id && rep.role === 'rep') {
      const level = await this.deps.router.levelReturningRep(trx, rep.team_id, rep.id, now);
      const drained = await this.deps.dispatcher.drainWithin(ctx, rep.team_id);
      result =
        `back; fairness pass ${level.from === null ? 'new' : round(level.from)} -> ${round(level.to)}; ` +
        `${drained} waiting lead${drained === 1 ? '' : 's'} handed out`;
      afterCommit(() => this.deps.notifier.poke(rep.id));
    }
    await updateAwayPeriod(trx, period.id, { end_result: result });
    return true;
  }

  private tellAssigned(a: Assignment, reason: string): () => void {
    const lead: Lead = toLead(a.lead);
    return () => this.deps.notifier.leadAssigned(a.userId, lead, reason);
  }

  /**
   * The rep whose period this is, if `actor` may set it: themselves (a rep), a rep of their team
   * (a team lead), anyone (an admin). A rep asking about someone else is 403; a team lead asking
   * about someone outside their team is 404, as is an unknown user.
   */
  private async target(db: Db, actor: AwayActor, userId: string): Promise<UserRow> {
    if (actor.role === 'rep' && actor.id !== userId) {
      throw ApiError.forbidden('a rep may set only their own away periods');
    }
    const user = await findUserById(db, userId);
    if (!user) throw ApiError.notFound('user');
    if (actor.role === 'lead' && (actor.teamId === null || user.team_id !== actor.teamId)) {
      throw ApiError.notFound('user');
    }
    if (user.role !== 'rep') {
      throw ApiError.validation([
        { field: 'id', message: 'is not a rep: only reps receive leads, so only reps are away' },
      ]);
    }
    return user;
  }

  private async mustFind(db: Db, id: string): Promise<AwayPeriodRow> {
    const row = await findAwayPeriod(db, id);
    if (!row) throw new Error(`away period ${id} vanished inside its own write`);
    return row;
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
