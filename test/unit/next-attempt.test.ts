import { describe, expect, it } from 'vitest';
import { callingWindow } from '../../src/shared/calling-window';
import { scheduleNextAttempt } from '../../src/shared/next-attempt';

const MIN = 60_000;
const H = 60 * MIN;

describe('the next attempt, inside the lead’s calling hours', () => {
  it('takes the ladder’s time when it is inside the window', () => {
    // 14:00 in Chicago (20:00 UTC, CST): +10 min is 14:10, callable.
    const last = Date.UTC(2026, 11, 1, 20, 0);
    expect(
      scheduleNextAttempt({ attempts: 1, lastAttemptAt: last, zone: 'America/Chicago' }),
    ).toEqual({
      at: last + 10 * MIN,
      ladderAt: last + 10 * MIN,
      movedIntoHours: false,
    });
  });

  it('moves a retry that would ring after 21:00 their time to 08:00 the next morning', () => {
    // 18:30 in Chicago; the 3rd attempt waits 4 h on the ladder: 22:30, outside the window.
    const last = Date.UTC(2026, 12 - 1, 2, 0, 30);
    const next = scheduleNextAttempt({ attempts: 3, lastAttemptAt: last, zone: 'America/Chicago' });
    expect(next?.ladderAt).toBe(last + 4 * H);
    expect(next?.movedIntoHours).toBe(true);
    expect(new Date(next?.at ?? 0).toISOString()).toBe('2026-12-02T14:00:00.000Z'); // 08:00 CST
  });

  it('follows a configured window (no weekends) and stops when the ladder is used up', () => {
    const window = callingWindow({ start: '09:00', end: '17:00', weekends: false });
    // Friday 2026-12-04 16:55 in Berlin (15:55 UTC): +1 h is 17:55, so Monday 09:00.
    const last = Date.UTC(2026, 11, 4, 15, 55);
    const next = scheduleNextAttempt({
      attempts: 2,
      lastAttemptAt: last,
      zone: 'Europe/Berlin',
      window,
    });
    expect(new Date(next?.at ?? 0).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(
      scheduleNextAttempt({ attempts: 6, lastAttemptAt: last, zone: 'Europe/Berlin' }),
    ).toBeNull();
  });

  it('without a zone, the ladder alone decides', () => {
    const last = Date.UTC(2026, 11, 1, 23, 0);
    expect(scheduleNextAttempt({ attempts: 1, lastAttemptAt: last, zone: null })).toEqual({
      at: last + 10 * MIN,
      ladderAt: last + 10 * MIN,
      movedIntoHours: false,
    });
  });
});
