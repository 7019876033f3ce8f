import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA_LADDER,
  escalationSteps,
  escalationText,
} from '../../sync-server/src/lifecycle/sla-ladder';

const MIN = 60_000;

describe('SLA escalation ladder', () => {
  it('reminds at 60%, tells the team lead at the target, moves the lead at twice it', () => {
    const t0 = Date.UTC(2026, 11, 1, 9, 0);
    expect(escalationSteps('hot', t0, DEFAULT_SLA_LADDER)).toEqual([
      { step: 'remind_rep', at: t0 + 3 * MIN },
      { step: 'alert_lead', at: t0 + 5 * MIN },
      { step: 'reassign', at: t0 + 10 * MIN },
    ]);
    expect(escalationSteps('warm', t0, DEFAULT_SLA_LADDER).map((s) => (s.at - t0) / MIN)).toEqual([
      18, 30, 60,
    ]);
    expect(escalationSteps('cold', t0, DEFAULT_SLA_LADDER).map((s) => (s.at - t0) / MIN)).toEqual([
      144, 240, 480,
    ]);
  });

  it('follows its configuration, and refuses one whose steps are out of order, by name', () => {
    const ladder = { ...DEFAULT_SLA_LADDER, remindAtShare: 0.5, reassignAtShare: 1.5 };
    expect(escalationSteps('hot', 0, ladder).map((s) => s.at / MIN)).toEqual([2.5, 5, 7.5]);
    expect(() =>
      escalationSteps('hot', 0, { ...DEFAULT_SLA_LADDER, alertLeadAtShare: 0.5 }),
    ).toThrow(/alertLeadAtShare/);
    expect(() => escalationSteps('hot', 0, { ...DEFAULT_SLA_LADDER, reassignAtShare: 1 })).toThrow(
      /reassignAtShare/,
    );
    expect(() =>
      escalationSteps('hot', 0, {
        ...DEFAULT_SLA_LADDER,
        targetsMs: { ...DEFAULT_SLA_LADDER.targetsMs, warm: 0 },
      }),
    ).toThrow(/targets\.warm/);
  });

  it('says what happened in words', () => {
    expect(escalationText('remind_rep', 'hot', 3 * MIN)).toBe(
      'Hot lead untouched for 3 min: call now',
    );
    expect(escalationText('alert_lead', 'warm', 31 * MIN)).toBe(
      'Warm lead past its first-touch target (31 min untouched)',
    );
    expect(escalationText('reassign', 'cold', 60_000)).toMatch(/moved to the next available rep/);
  });
});
