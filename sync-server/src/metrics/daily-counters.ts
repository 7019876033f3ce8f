import { DISPOSITION_INFO, type Disposition } from '../../../src/shared/dispositions';
import { OrderStatistics } from './order-statistics';

/*
 * One day's activity counters, for a rep (their own outcomes and breaches) or for a team (its
 * leads'). Reset, never decremented: outcomes are insert-only, so a day's figures only grow.
 */

export class DailyCounters {
  private slaBreaches = 0;
  private attempts = 0;
  private connects = 0;
  private qualified = 0;
  private meetingsBooked = 0;
  private readonly speedToLead = new OrderStatistics();

  /**
   * An outcome: every disposition is an attempt; a connect when DISPOSITION_INFO says the rep
   * talked to the person. `speedToLeadMs` is given for the lead's first touch only.
   */
  countOutcome(disposition: Disposition, speedToLeadMs: number | null): void {
    this.attempts += 1;
    if (DISPOSITION_INFO[disposition].connected) this.connects += 1;
    if (disposition === 'qualified') this.qualified += 1;
    if (disposition === 'meeting_booked') this.meetingsBooked += 1;
    if (speedToLeadMs !== null) this.speedToLead.insert(speedToLeadMs);
  }

  countBreach(): void {
    this.slaBreaches += 1;
  }

  reset(): void {
    this.slaBreaches = 0;
    this.attempts = 0;
    this.connects = 0;
    this.qualified = 0;
    this.meetingsBooked = 0;
    this.speedToLead.clear();
  }

  get slaBreachCount(): number {
    return this.slaBreaches;
  }

  get attemptCount(): number {
    return this.attempts;
  }

  get connectCount(): number {
    return this.connects;
  }

  /** connects / attempts; null with no attempts (a rate of nothing is not 0%). */
  get contactRate(): number | null {
    return this.attempts === 0 ? null : this.connects / this.attempts;
  }

  get qualifiedCount(): number {
    return this.qualified;
  }

  get meetingsBookedCount(): number {
    return this.meetingsBooked;
  }

  get firstTouches(): number {
    return this.speedToLead.size;
  }

  /** Nearest-rank percentile of today's speed-to-lead, ms (see OrderStatistics). */
  speedToLeadPercentile(p: number): number | null {
    return this.speedToLead.percentile(p);
  }
}
