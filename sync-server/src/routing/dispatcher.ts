import type { WriteContext, WriteQueue } from '../db/write-queue';
import { toLead } from '../domain/mappers';
import type { LeadNotifier } from '../ports/lead-notifier';
import type { Router } from './router';

/**
 * Hands waiting leads to reps who have just become eligible, and tells them live once the
 * assignments are durable. Used on presence changes and on user changes.
 */
export class Dispatcher {
  constructor(
    private readonly writes: WriteQueue,
    private readonly router: Router,
    private readonly notifier: LeadNotifier,
    private readonly clock: () => number,
  ) {}

  /** Drains a team's waiting leads in a write of its own. Resolves to how many were assigned. */
  drain(teamId: string): Promise<number> {
    return this.writes.run((ctx) => this.drainWithin(ctx, teamId));
  }

  /** The same, inside a write that is already running (e.g. the user update that caused it). */
  async drainWithin(ctx: WriteContext, teamId: string): Promise<number> {
    const assignments = await this.router.drainTeam(ctx.trx, teamId, this.clock());
    ctx.afterCommit(() => {
      for (const a of assignments) this.notifier.leadAssigned(a.userId, toLead(a.lead), a.reason);
    });
    return assignments.length;
  }
}
