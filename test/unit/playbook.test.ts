import { describe, expect, it } from 'vitest';
import { PlaybookSchema } from '../../src/shared/playbook-schema';
import { loadConfig } from '../../sync-server/src/config/load';
import { playbookFromConfig } from '../../sync-server/src/config/playbook-config';
import { nextStepText, outcomeEffect, type EffectLead } from '../../src/shared/outcome-effect';
import {
  callingWindowFor,
  DEFAULT_PLAYBOOK,
  makePlaybook,
  outcomeProblem,
} from '../../src/shared/playbook';
import { orderQueue, type PriorityInput } from '../../src/shared/priority';

const MIN = 60_000;
// Tuesday 1 December 2026, 15:00 UTC: 10:00 in New York.
const T0 = Date.parse('2026-12-01T15:00:00.000Z');

const ny: EffectLead = {
  attempts: 0,
  timezone: 'America/New_York',
  phone: '+12125550100',
  country: 'US',
  region: 'NY',
  status: 'assigned',
};

describe('playbook', () => {
  it('defaults: eight outcomes on 1-8, reasons asked where the lead leaves without a win', () => {
    expect(DEFAULT_PLAYBOOK.dispositions.map((d) => [d.shortcut, d.key])).toEqual([
      ['1', 'no_answer'],
      ['2', 'voicemail'],
      ['3', 'callback'],
      ['4', 'qualified'],
      ['5', 'meeting_booked'],
      ['6', 'not_interested'],
      ['7', 'bad_number'],
      ['8', 'not_sales_ready'],
    ]);
    expect(outcomeProblem(DEFAULT_PLAYBOOK, 'not_interested', undefined)).toBe(
      '"Not interested" needs a reason',
    );
    expect(outcomeProblem(DEFAULT_PLAYBOOK, 'not_interested', 'price')).toBeNull();
    expect(outcomeProblem(DEFAULT_PLAYBOOK, 'bad_number', undefined)).toBeNull();
    expect(outcomeProblem(DEFAULT_PLAYBOOK, 'no_answer', 'price')).toBe(
      '"price" is not a reason for "No answer"',
    );
    // What the server sends is what a client reads back.
    expect(PlaybookSchema.parse(JSON.parse(JSON.stringify(DEFAULT_PLAYBOOK)))).toEqual(
      DEFAULT_PLAYBOOK,
    );
  });

  it('refuses what cannot work, naming it', () => {
    expect(() => makePlaybook({ callingHours: { start: '21:00', end: '08:00' } })).toThrow(
      /callingHours: calling hours: end \(08:00\) must be after start \(21:00\)/,
    );
    expect(() => makePlaybook({ callingHours: { byPlace: { germany: {} } } })).toThrow(
      /"germany" is not "CC" or "CC-REGION"/,
    );
    expect(() => makePlaybook({ dispositions: { not_interested: { reasons: [] } } })).toThrow(
      /dispositions.not_interested: a reason is required but none is listed/,
    );
    expect(() =>
      loadConfig({
        overrides: { lifecycle: { callingHours: { byPlace: { DE: { start: '22:00' } } } } },
      }),
    ).toThrow(/lifecycle\.callingHours.*DE/s);
    expect(() =>
      loadConfig({ overrides: { lifecycle: { cadence: { retryLadder: [{ afterMinutes: 0 }] } } } }),
    ).toThrow(/lifecycle\.cadence\.retryLadder/);
  });

  it('the narrowest place wins: region, then country, then the default', () => {
    const p = makePlaybook({
      callingHours: { byPlace: { US: { start: '09:00' }, 'US-CA': { start: '10:00' } } },
    });
    expect(callingWindowFor(p.callingHours, 'US', 'CA').key).toBe('US-CA');
    expect(callingWindowFor(p.callingHours, 'US', 'TX').key).toBe('US');
    expect(callingWindowFor(p.callingHours, 'us', null).key).toBe('US');
    expect(callingWindowFor(p.callingHours, 'DE', null).key).toBe('');
    expect(callingWindowFor(p.callingHours, null, null).window.startText).toBe('08:00');
  });

  it('server config becomes the same playbook', () => {
    const config = loadConfig({ overrides: {} });
    expect(playbookFromConfig(config.lifecycle)).toEqual(DEFAULT_PLAYBOOK);
  });
});

describe('outcomeEffect', () => {
  it('no answer: the ladder, inside calling hours, and says so', () => {
    const first = outcomeEffect(ny, { disposition: 'no_answer', at: T0 }, DEFAULT_PLAYBOOK);
    expect(first).toMatchObject({
      status: 'working',
      nextAttemptAt: T0 + 10 * MIN,
      next: { kind: 'retry', attempt: 2, of: 6, movedIntoHours: false },
    });
    expect(nextStepText(first.next, T0, DEFAULT_PLAYBOOK)).toBe(
      'Next try (2 of 6) in 10 min · Tue 10:10 their time',
    );
    // 20:55 their time: +10 min is past 21:00, so 08:00 the next morning.
    const late = Date.parse('2026-12-02T01:55:00.000Z');
    const moved = outcomeEffect(ny, { disposition: 'no_answer', at: late }, DEFAULT_PLAYBOOK);
    expect(moved.nextAttemptAt).toBe(Date.parse('2026-12-02T13:00:00.000Z'));
    expect(nextStepText(moved.next, late, DEFAULT_PLAYBOOK)).toBe(
      'Next try (2 of 6) in 11 h · Wed 08:00 their time, when their calling hours open',
    );
  });

  it('the last rung: the lead leaves as never reached, where the playbook says', () => {
    const sixth = { ...ny, attempts: 5 };
    const done = outcomeEffect(sixth, { disposition: 'voicemail', at: T0 }, DEFAULT_PLAYBOOK);
    expect(done).toEqual({
      status: 'nurture',
      callbackAt: null,
      nextAttemptAt: null,
      closeReason: 'unreached',
      next: { kind: 'ladder_end', status: 'nurture', attempts: 6 },
    });
    const closing = makePlaybook({ whenLadderEnds: 'closed' });
    expect(outcomeEffect(sixth, { disposition: 'no_answer', at: T0 }, closing).status).toBe(
      'closed',
    );
  });

  it('callbacks, wins and closes', () => {
    const at = T0 + 90 * MIN;
    const cb = outcomeEffect(
      ny,
      { disposition: 'callback', at: T0, callbackAt: at },
      DEFAULT_PLAYBOOK,
    );
    expect(cb).toMatchObject({ status: 'working', callbackAt: at, nextAttemptAt: at });
    expect(nextStepText(cb.next, T0, DEFAULT_PLAYBOOK)).toBe('Callback in 1 h 30 min');
    expect(
      outcomeEffect(ny, { disposition: 'meeting_booked', at: T0 }, DEFAULT_PLAYBOOK),
    ).toMatchObject({ status: 'won', nextAttemptAt: null });
    const nurture = outcomeEffect(
      ny,
      { disposition: 'not_sales_ready', at: T0, reasonCode: 'no_budget' },
      DEFAULT_PLAYBOOK,
    );
    expect(nurture).toMatchObject({ status: 'nurture', closeReason: 'no_budget' });
    expect(nextStepText(nurture.next, T0, DEFAULT_PLAYBOOK)).toBe(
      'Back to marketing: No budget yet',
    );
  });
});

describe('queue calling hours per place', () => {
  const lead = (id: string, extra: Partial<PriorityInput>): PriorityInput => ({
    id,
    name: id,
    company: null,
    tier: 'hot',
    score: 80,
    status: 'assigned',
    receivedAt: new Date(T0 - 2 * MIN).toISOString(),
    firstTouchAt: null,
    attempts: 0,
    lastAttemptAt: null,
    lastDisposition: null,
    callbackAt: null,
    timezone: 'America/Los_Angeles',
    country: 'US',
    phone: null,
    signals: [],
    ...extra,
  });

  it('a region opening later waits for its own hours; its neighbours do not', () => {
    // 08:30 in Los Angeles.
    const now = Date.parse('2026-12-01T16:30:00.000Z');
    const byPlace = makePlaybook({ callingHours: { byPlace: { 'US-CA': { start: '09:00' } } } })
      .callingHours.byPlace;
    const rows = orderQueue([lead('ca', { region: 'CA' }), lead('nv', { region: 'NV' })], now, {
      callingHoursByPlace: byPlace,
    }).rows;
    const section = (id: string) => rows.find((r) => r.id === id)?.section;
    expect(section('ca')).toBe('later_outside_hours');
    expect(section('nv')).toBe('new');
    // Without the setting both are callable.
    const plain = orderQueue([lead('ca2', { region: 'CA' })], now).rows;
    expect(plain[0]?.section).toBe('new');
  });
});
