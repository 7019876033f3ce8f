/**
 * Durable work run by the lifecycle scheduler's one timer (lifecycle/escalations.ts), beside the
 * SLA ladder: claim-mode offer fallbacks, away periods. Its due times live in its own rows, and
 * `runDue` carries out what is due, each item in a write that marks it done, so a restart
 * neither loses nor repeats one.
 */
export interface ScheduledWork {
  /** The earliest time something is due, epoch ms, or null. */
  nextDueAt(): Promise<number | null>;
  /** Runs what is due at `now`; resolves to how many ran. */
  runDue(now: number): Promise<number>;
}
