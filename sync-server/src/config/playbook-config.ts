import type { RetryStep } from '../../../src/shared/cadence';
import { makePlaybook, type Playbook } from '../../../src/shared/playbook';
import type { CadenceConfig as CadenceSettings, CallingHoursConfig } from './cadence-schema';

/** The part of `lifecycle` config the playbook is made from. */
interface CadenceConfig {
  readonly cadence: CadenceSettings;
  readonly callingHours: CallingHoursConfig;
}

/**
 * The team's playbook (src/shared/playbook.ts) from the server's configuration. Throws a
 * RangeError naming the setting when the combination is wrong (the config schema reports it at
 * start-up, before anything runs).
 */
export function playbookFromConfig(config: CadenceConfig): Playbook {
  const { byPlace, ...hours } = config.callingHours;
  return makePlaybook({
    retryLadder: { steps: config.cadence.retryLadder.map(toRetryStep) },
    whenLadderEnds: config.cadence.whenLadderEnds,
    dispositions: config.cadence.dispositions,
    callingHours: { ...hours, byPlace },
  });
}

function toRetryStep(step: CadenceConfig['cadence']['retryLadder'][number]): RetryStep {
  return 'afterMinutes' in step
    ? { kind: 'after', ms: Math.round(step.afterMinutes * 60_000) }
    : { kind: 'local', days: step.days, at: step.at };
}
