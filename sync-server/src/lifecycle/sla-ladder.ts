import type { LeadTier } from '../../../src/shared/lead';
import type { EscalationStep } from '../db/schema';

/*
 * The SLA escalation ladder for an untouched lead: when its rep is reminded, when the team lead
 * is told, when the lead moves to the next eligible rep. Pure: a lead's tier and the time it
 * was assigned in, the steps with their due times out. The lifecycle scheduler stores these as
 * deadlines (so a restart neither loses nor repeats one) and runs each once, if the lead is
 * still untouched with the same rep when it falls due.
 *
 *   escalationSteps('hot', assignedAt, DEFAULT_SLA_LADDER)
 *   // [{ step: 'remind_rep', at: +3 min }, { step: 'alert_lead', at: +5 min },
 *   //  { step: 'reassign', at: +10 min }]
 */

export type { EscalationStep };

export interface SlaLadder {
  /** First-touch target per tier, ms (hot 5 min, warm 30 min, cold 4 h by default). */
  readonly targetsMs: Readonly<Record<LeadTier, number>>;
  /** The rep is reminded at this share of the target (default 0.6). */
  readonly remindAtShare: number;
  /** The team lead is told at this share (default 1: at the target). */
  readonly alertLeadAtShare: number;
  /** The lead moves to the next eligible rep at this share (default 2: the target again). */
  readonly reassignAtShare: number;
}

const MINUTE = 60_000;

export const DEFAULT_SLA_LADDER: SlaLadder = {
  targetsMs: { hot: 5 * MINUTE, warm: 30 * MINUTE, cold: 240 * MINUTE },
  remindAtShare: 0.6,
  alertLeadAtShare: 1,
  reassignAtShare: 2,
};

export interface ScheduledStep {
  readonly step: EscalationStep;
  /** Epoch ms. */
  readonly at: number;
}

/**
 * The steps for a lead of `tier` whose SLA clock starts at `startAt` (when it was received, for
 * its first rep; when it was reassigned, for the next one), in order. Throws a RangeError for a
 * ladder whose shares are not increasing, naming the setting: a configuration error.
 */
export function escalationSteps(
  tier: LeadTier,
  startAt: number,
  ladder: SlaLadder,
): ScheduledStep[] {
  validateSlaLadder(ladder);
  const target = ladder.targetsMs[tier];
  return [
    { step: 'remind_rep', at: startAt + Math.round(target * ladder.remindAtShare) },
    { step: 'alert_lead', at: startAt + Math.round(target * ladder.alertLeadAtShare) },
    { step: 'reassign', at: startAt + Math.round(target * ladder.reassignAtShare) },
  ];
}

export function validateSlaLadder(ladder: SlaLadder): void {
  for (const tier of ['hot', 'warm', 'cold'] as const) {
    if (!(ladder.targetsMs[tier] > 0)) throw new RangeError(`sla: targets.${tier} must be > 0`);
  }
  const { remindAtShare: r, alertLeadAtShare: a, reassignAtShare: x } = ladder;
  if (!(r > 0)) throw new RangeError('sla: remindAtShare must be > 0');
  if (!(a > r)) throw new RangeError('sla: alertLeadAtShare must be above remindAtShare');
  if (!(x > a)) throw new RangeError('sla: reassignAtShare must be above alertLeadAtShare');
}

/** What the rep (and the team lead) read for a step, e.g. "Hot lead untouched for 3 min". */
export function escalationText(step: EscalationStep, tier: LeadTier, waitedMs: number): string {
  const waited = waitedMs < 2 * MINUTE ? '1 min' : `${Math.floor(waitedMs / MINUTE)} min`;
  const label = tier === 'hot' ? 'Hot' : tier === 'warm' ? 'Warm' : 'Cold';
  switch (step) {
    case 'remind_rep':
      return `${label} lead untouched for ${waited}: call now`;
    case 'alert_lead':
      return `${label} lead past its first-touch target (${waited} untouched)`;
    case 'reassign':
      return `${label} lead untouched for ${waited}: moved to the next available rep`;
  }
}
