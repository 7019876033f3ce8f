import type { LifecycleConfig } from '../config/schema';
import type { SlaLadder } from './sla-ladder';

const MINUTE = 60_000;

/** The configured SLA ladder (config `lifecycle.sla`, minutes) in the form the ladder reads. */
export function slaLadder(config: LifecycleConfig): SlaLadder {
  const { targetsMinutes: t, remindAtShare, alertLeadAtShare, reassignAtShare } = config.sla;
  return {
    targetsMs: { hot: t.hot * MINUTE, warm: t.warm * MINUTE, cold: t.cold * MINUTE },
    remindAtShare,
    alertLeadAtShare,
    reassignAtShare,
  };
}
