import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RETRY_LADDER,
  maxAttempts,
  nextAttemptAt,
  validateRetryLadder,
} from '../../src/shared/cadence';
import type { Disposition } from '../../src/shared/dispositions';
import type { LeadTier } from '../../src/shared/lead';
import {
  contactOdds,
  isoMs,
  orderQueue,
  plainRow,
  type PriorityInput,
  type PriorityOptions,
  type QueueRow,
  span,
} from '../../src/shared/priority';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Wednesday 3 June 2026, 12:00 UTC: 14:00 in Berlin, 08:00 in New York, 21:00 in Tokyo. */
const NOW = Date.parse('2026-06-03T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const ago = (minutes: number) => iso(NOW - minutes * MINUTE);
const later = (minutes: number) => iso(NOW + minutes * MINUTE);

/** An untouched hot lead in Berlin, 2 minutes old, with a demo request; override what matters. */
function lead(id: string, fields: Partial<PriorityInput> = {}): PriorityInput {
  return {
    id,
    name: `Lead ${id}`,
    company: null,
    tier: 'hot',
    score: 80,
    status: 'assigned',
    receivedAt: ago(2),
    firstTouchAt: null,
    attempts: 0,
    lastAttemptAt: null,
    lastDisposition: null,
    callbackAt: null,
    timezone: 'Europe/Berlin',
    country: 'DE',
    phone: '+4930901820',
    signals: [{ type: 'demo_request', at: ago(2) }],
    ...fields,
  };
}

/** A touched lead: `attempts` calls, the last `lastMinutesAgo` ago with `disposition`. */
function worked(
  id: string,
  attempts: number,
  lastMinutesAgo: number,
  disposition: Disposition = 'no_answer',
  fields: Partial<PriorityInput> = {},
): PriorityInput {
  return lead(id, {
    status: 'working',
    receivedAt: ago(lastMinutesAgo + 5),
    firstTouchAt: ago(lastMinutesAgo),
    attempts,
    lastAttemptAt: ago(lastMinutesAgo),
    lastDisposition: disposition,
    ...fields,
  });
}

function order(leads: readonly PriorityInput[], now = NOW, options?: PriorityOptions) {
  return orderQueue(leads, now, options);
}

const ids = (rows: readonly QueueRow[]) => rows.map((r) => r.id);
const byId = (rows: readonly QueueRow[], id: string) => {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('orderQueue: sections', () => {
  const leads = [
    worked('exhausted', 6, (2 * DAY) / MINUTE, 'voicemail'),
    lead('outside', { timezone: 'Asia/Tokyo' }),
    worked('retry-upcoming', 1, 4),
    lead('callback-upcoming', {
      status: 'working',
      attempts: 1,
      firstTouchAt: ago(60),
      lastAttemptAt: ago(60),
      lastDisposition: 'callback',
      callbackAt: later(25),
    }),
    worked('retry-due', 1, 60),
    lead('new'),
    worked('callback-due', 1, 60, 'callback', { callbackAt: ago(3) }),
  ];

  it('orders callbacks due, new, retries due, upcoming, outside hours, exhausted', () => {
    const { rows } = order(leads);
    expect(rows.map((r) => [r.id, r.section])).toEqual([
      ['callback-due', 'callback_due'],
      ['new', 'new'],
      ['retry-due', 'retry_due'],
      ['retry-upcoming', 'upcoming'],
      ['callback-upcoming', 'upcoming'],
      ['outside', 'later_outside_hours'],
      ['exhausted', 'exhausted'],
    ]);
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it.each([
    ['callback-due', 'Callback due · 3 min overdue'],
    ['new', 'Hot · demo request · 2 min old · SLA in 3:00'],
    ['retry-due', 'Hot · retry 2 of 6 due · no answer 1 h ago'],
    ['retry-upcoming', 'Retry 2 of 6 in 6 min · no answer 4 min ago'],
    ['callback-upcoming', 'Callback in 25 min'],
    ['outside', 'Callable at 08:00 their time (Asia/Tokyo) · Hot · demo request · 2 min old'],
    ['exhausted', 'All 6 attempts made · left voicemail 2 days ago'],
  ])('gives %s the reason "%s"', (id, reason) => {
    expect(byId(order(leads).rows, id).reason).toBe(reason);
  });

  it('leaves out leads that are not in a queue', () => {
    const statuses = ['unassigned', 'won', 'closed', 'nurture'] as const;
    const { rows } = order([...statuses.map((status) => lead(status, { status })), lead('mine')]);
    expect(ids(rows)).toEqual(['mine']);
  });

  it('gives the SLA deadline of untouched leads only', () => {
    const { rows } = order([
      lead('hot'),
      lead('cold', { tier: 'cold', score: 20 }),
      worked('touched', 1, 60),
    ]);
    expect(byId(rows, 'hot').slaDeadlineAt).toBe(NOW - 2 * MINUTE + 5 * MINUTE);
    expect(byId(rows, 'cold').slaDeadlineAt).toBe(NOW - 2 * MINUTE + 4 * HOUR);
    expect(byId(rows, 'touched').slaDeadlineAt).toBeNull();
  });

  it('takes other SLA targets', () => {
    const { rows } = order([lead('a')], NOW, { slaTargetsMs: { hot: 10 * MINUTE } });
    expect(rows[0]?.reason).toBe('Hot · demo request · 2 min old · SLA in 8:00');
  });
});

describe('orderQueue: reasons', () => {
  it.each<[string, PriorityInput, string]>([
    [
      'a breached SLA',
      lead('a', { tier: 'warm', score: 55, receivedAt: ago(45), signals: [] }),
      'Warm · 45 min old · SLA over by 15:00',
    ],
    [
      'hours left on a cold lead',
      lead('a', { tier: 'cold', score: 20, receivedAt: ago(10), signals: [] }),
      'Cold · 10 min old · SLA in 3:50:00',
    ],
    [
      'seconds in the countdown',
      lead('a', { receivedAt: iso(NOW - 75_500) }),
      'Hot · demo request · 1 min old · SLA in 3:45',
    ],
    [
      'the strongest signal',
      lead('a', {
        signals: [
          { type: 'newsletter', at: ago(9) },
          { type: 'pricing_page', at: ago(5) },
          { type: 'webinar', at: ago(2) },
        ],
      }),
      'Hot · pricing page · 2 min old · SLA in 3:00',
    ],
    [
      'a signal the scoring does not know',
      lead('a', { signals: [{ type: 'trade_show_visit', at: ago(2) }] }),
      'Hot · trade show visit · 2 min old · SLA in 3:00',
    ],
    [
      'a lead stamped a little ahead of our clock',
      lead('a', { receivedAt: later(2) }),
      'Hot · demo request · <1 min old · SLA in 7:00',
    ],
    [
      'a callback due this very minute',
      worked('a', 1, 60, 'callback', { callbackAt: iso(NOW - 30_000) }),
      'Callback due now',
    ],
    [
      'a retry with no disposition recorded',
      worked('a', 2, 3 * 60, 'no_answer', { lastDisposition: null }),
      'Hot · retry 3 of 6 due · last attempt 3 h ago',
    ],
    [
      'a touch without a logged attempt',
      lead('a', { status: 'working', firstTouchAt: ago(30) }),
      'Hot · retry 2 of 6 due · last attempt 30 min ago',
    ],
  ])('%s', (_name, input, reason) => {
    expect(order([input]).rows[0]?.reason).toBe(reason);
  });
});

describe('orderQueue: untouched leads', () => {
  const fresh = (id: string, tier: LeadTier, score: number, minutesOld: number) =>
    lead(id, { tier, score, receivedAt: ago(minutesOld) });

  it.each<[string, PriorityInput[], string[]]>([
    [
      'hot, warm, cold at the same age',
      [fresh('cold', 'cold', 30, 10), fresh('warm', 'warm', 55, 10), fresh('hot', 'hot', 80, 10)],
      ['hot', 'warm', 'cold'],
    ],
    [
      'a higher score first at the same age',
      [fresh('75', 'hot', 75, 5), fresh('95', 'hot', 95, 5)],
      ['95', '75'],
    ],
    [
      'a fresher lead of the same tier first',
      [fresh('old', 'hot', 80, 20), fresh('young', 'hot', 80, 3)],
      ['young', 'old'],
    ],
    [
      // 20 score points are worth 3 minutes (0.2 half-lives): 6 minutes are not.
      'score does not outweigh six minutes',
      [fresh('95', 'hot', 95, 9), fresh('75', 'hot', 75, 3)],
      ['75', '95'],
    ],
    [
      // Crossover: log2(3) + 0.3 half-lives = 28.3 min.
      'a hot lead 24 min older still beats a fresh warm one',
      [fresh('warm', 'warm', 50, 1), fresh('hot', 'hot', 80, 25)],
      ['hot', 'warm'],
    ],
    [
      'a fresh warm lead beats a hot one 30 min older',
      [fresh('hot', 'hot', 80, 31), fresh('warm', 'warm', 50, 1)],
      ['warm', 'hot'],
    ],
    [
      // Crossover at equal scores: log2(6) half-lives = 38.8 min.
      'a hot lead 35 min older beats a fresh cold one',
      [fresh('cold', 'cold', 50, 1), fresh('hot', 'hot', 50, 36)],
      ['hot', 'cold'],
    ],
    [
      'a fresh cold lead beats a hot one 45 min older',
      [fresh('hot', 'hot', 50, 46), fresh('cold', 'cold', 50, 1)],
      ['cold', 'hot'],
    ],
    [
      'past the first hour the tier wins again',
      [fresh('warm', 'warm', 50, 65), fresh('hot', 'hot', 80, 100)],
      ['hot', 'warm'],
    ],
    [
      'days-old leads still order by tier and age (no underflow)',
      [
        fresh('cold', 'cold', 20, 3 * 24 * 60),
        fresh('older', 'hot', 80, 3 * 24 * 60 + 1),
        fresh('hot', 'hot', 80, 3 * 24 * 60),
      ],
      ['hot', 'older', 'cold'],
    ],
  ])('%s', (_name, leads, expected) => {
    expect(ids(order(leads).rows)).toEqual(expected);
  });

  it('follows the speed-to-lead research: contact odds fall more than 10x in the first hour', () => {
    expect(contactOdds(0)).toBe(1);
    expect(contactOdds(60 * MINUTE)).toBeLessThan(0.1);
    expect(contactOdds(15 * MINUTE)).toBeCloseTo(0.5, 10);
    // HBR: answering within the hour vs after a day, ~60x.
    const ratio = contactOdds(30 * MINUTE) / contactOdds(24 * HOUR);
    expect(ratio).toBeGreaterThan(40);
    expect(ratio).toBeLessThan(80);
    // Slow after the first hour.
    expect(contactOdds(2 * HOUR) / contactOdds(3 * HOUR)).toBeLessThan(1.2);
  });

  it('takes other tier weights and half-lives', () => {
    const leads = [fresh('hot', 'hot', 80, 31), fresh('warm', 'warm', 50, 1)];
    expect(ids(order(leads, NOW, { tierWeights: { hot: 20 } }).rows)).toEqual(['hot', 'warm']);
    expect(ids(order(leads, NOW, { firstHourHalfLifeMs: 60 * MINUTE }).rows)).toEqual([
      'hot',
      'warm',
    ]);
  });
});

describe('orderQueue: callbacks and retries', () => {
  it('puts the most overdue callback first, whatever the tier', () => {
    const { rows } = order([
      worked('hot', 1, 60, 'callback', { callbackAt: ago(2) }),
      worked('cold', 1, 60, 'callback', { tier: 'cold', score: 10, callbackAt: ago(20) }),
    ]);
    expect(ids(rows)).toEqual(['cold', 'hot']);
  });

  it('treats a callback as done once an attempt is logged after it', () => {
    const { rows } = order([worked('a', 2, 20, 'no_answer', { callbackAt: ago(30) })]);
    expect(rows[0]?.section).toBe('upcoming');
    expect(rows[0]?.reason).toBe('Retry 3 of 6 in 40 min · no answer 20 min ago');
    expect(rows[0]?.dueAt).toBe(NOW + 40 * MINUTE);
  });

  it('orders due retries hot first, then the longest due', () => {
    const { rows } = order([
      worked('warm-late', 1, 50, 'no_answer', { tier: 'warm', score: 50 }),
      worked('hot', 1, 15),
      worked('warm-early', 1, 90, 'voicemail', { tier: 'warm', score: 50 }),
    ]);
    expect(ids(rows)).toEqual(['hot', 'warm-early', 'warm-late']);
    expect(byId(rows, 'warm-early').reason).toBe(
      'Warm · retry 2 of 6 due · left voicemail 1 h ago',
    );
  });

  it('orders upcoming rows by when they fall due', () => {
    const { rows } = order([
      worked('retry-in-6', 1, 4),
      worked('callback-in-3', 1, 60, 'callback', { callbackAt: later(3) }),
      worked('retry-in-56', 2, 4),
    ]);
    expect(ids(rows)).toEqual(['callback-in-3', 'retry-in-6', 'retry-in-56']);
    expect(rows.map((r) => r.dueAt)).toEqual([
      NOW + 3 * MINUTE,
      NOW + 6 * MINUTE,
      NOW + 56 * MINUTE,
    ]);
  });

  it('follows a custom retry ladder', () => {
    const ladder = { steps: [{ kind: 'after', ms: 2 * HOUR }] } as const;
    const { rows } = order([worked('a', 1, 60), worked('b', 2, 60)], NOW, { retryLadder: ladder });
    expect(byId(rows, 'a').reason).toBe('Retry 2 of 2 in 1 h · no answer 1 h ago');
    expect(byId(rows, 'b').reason).toBe('All 2 attempts made · no answer 1 h ago');
  });
});

describe('orderQueue: calling hours', () => {
  /** 22:00 in Berlin, 16:00 in New York, 05:00 in Tokyo. */
  const EVENING = Date.parse('2026-06-03T20:00:00.000Z');

  it('sinks leads outside their hours and says when they can be called', () => {
    const { rows } = order(
      [
        lead('berlin', { receivedAt: iso(EVENING - 2 * MINUTE) }),
        lead('ny', {
          timezone: 'America/New_York',
          receivedAt: iso(EVENING - 40 * MINUTE),
          tier: 'cold',
          score: 10,
        }),
      ],
      EVENING,
      { callingHours: { start: '09:00' } },
    );
    expect(ids(rows)).toEqual(['ny', 'berlin']);
    expect(plainRow(byId(rows, 'berlin'))).toMatchObject({
      section: 'later_outside_hours',
      reason: 'Callable at 09:00 their time (Europe/Berlin) · Hot · demo request · 2 min old',
      callableNow: false,
      nextCallableAt: Date.parse('2026-06-04T07:00:00.000Z'),
      nextCallableIso: '2026-06-04T07:00:00.000Z',
      callableAtLocal: '09:00',
      localTime: '22:00',
      timeZone: 'Europe/Berlin',
      timeZoneSource: 'lead',
    });
    expect(byId(rows, 'ny')).toMatchObject({
      section: 'new',
      callableNow: true,
      nextCallableAt: null,
    });
  });

  it('reads the zone of a lead with no timezone from its +49 phone', () => {
    const { rows } = order(
      [
        lead('a', {
          timezone: null,
          country: null,
          phone: '+4930901820',
          receivedAt: iso(EVENING),
        }),
      ],
      EVENING,
    );
    expect(rows[0]).toMatchObject({
      section: 'later_outside_hours',
      timeZone: 'Europe/Berlin',
      timeZoneSource: 'phone',
      callableAtLocal: '08:00',
    });
  });

  it('keeps a lead whose zone cannot be told callable', () => {
    const { rows } = order([lead('a', { timezone: null, country: null, phone: null })], EVENING);
    expect(rows[0]).toMatchObject({
      section: 'new',
      callableNow: true,
      timeZone: null,
      localTime: null,
    });
    const withDefault = order(
      [lead('a', { timezone: null, country: null, phone: null })],
      EVENING,
      {
        defaultTimeZone: 'Europe/Madrid',
      },
    );
    expect(withDefault.rows[0]).toMatchObject({
      section: 'later_outside_hours',
      timeZone: 'Europe/Madrid',
      timeZoneSource: 'default',
    });
  });

  it('puts the soonest callable first, then callbacks, new leads and retries', () => {
    const { rows } = order(
      [
        lead('berlin-hot', { receivedAt: iso(EVENING - MINUTE) }),
        worked('berlin-retry', 1, 0, 'no_answer', {
          lastAttemptAt: iso(EVENING - 2 * HOUR),
          firstTouchAt: iso(EVENING - 2 * HOUR),
        }),
        worked('berlin-callback', 1, 0, 'callback', {
          lastAttemptAt: iso(EVENING - 5 * HOUR),
          firstTouchAt: iso(EVENING - 5 * HOUR),
          callbackAt: iso(EVENING - 3 * HOUR),
        }),
        lead('tokyo-cold', {
          timezone: 'Asia/Tokyo',
          tier: 'cold',
          score: 5,
          receivedAt: iso(EVENING - 3 * HOUR),
        }),
      ],
      EVENING,
    );
    // Tokyo opens at 23:00 UTC, Berlin at 06:00 UTC.
    expect(ids(rows)).toEqual(['tokyo-cold', 'berlin-callback', 'berlin-hot', 'berlin-retry']);
    expect(byId(rows, 'berlin-callback').reason).toBe(
      'Callable at 08:00 their time (Europe/Berlin) · callback 3 h overdue',
    );
    expect(byId(rows, 'berlin-retry').reason).toBe(
      'Callable at 08:00 their time (Europe/Berlin) · retry 2 of 6 · no answer 2 h ago',
    );
  });

  it('honours a callback outside hours for its grace period', () => {
    const now = Date.parse('2026-06-03T19:30:00.000Z'); // 21:30 in Berlin
    const cb = worked('a', 1, 300, 'callback', { callbackAt: iso(now - 20 * MINUTE) });
    const { rows, nextChangeAt } = order([cb], now);
    expect(rows[0]?.section).toBe('callback_due');
    expect(rows[0]?.reason).toBe('Callback due · 20 min overdue · 21:30 their time');
    expect(nextChangeAt).toBe(now + 40 * MINUTE);
    expect(order([cb], now, { callbackGraceMs: 10 * MINUTE }).rows[0]?.section).toBe(
      'later_outside_hours',
    );
  });

  it('names the day when the window opens a day or more later', () => {
    const saturday = Date.parse('2026-06-06T10:00:00.000Z');
    const { rows } = order([lead('a', { receivedAt: iso(saturday) })], saturday, {
      callingHours: { weekends: false },
    });
    expect(rows[0]?.reason).toBe(
      'Callable Mon 08:00 their time (Europe/Berlin) · Hot · demo request · <1 min old',
    );
  });
});

describe('orderQueue: determinism', () => {
  /** A seeded mix of every kind of row, several zones and ties. */
  function mixed(count: number): PriorityInput[] {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', null, 'Australia/Sydney'];
    const tiers: LeadTier[] = ['hot', 'warm', 'cold'];
    const leads: PriorityInput[] = [];
    for (let i = 0; i < count; i++) {
      const zone = zones[Math.floor(rnd() * zones.length)] ?? null;
      const tier = tiers[Math.floor(rnd() * 3)] ?? 'warm';
      // Whole minutes, so many leads share a receivedAt and ties are exercised.
      const age = Math.floor(rnd() * 3000);
      const roll = rnd();
      const base = {
        tier,
        score: tier === 'hot' ? 80 : tier === 'warm' ? 50 : 20,
        timezone: zone,
        phone: zone ? '+4930901820' : null,
        receivedAt: ago(age),
      };
      const id = `lead-${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}-${i}`;
      if (roll < 0.4) leads.push(lead(id, base));
      else if (roll < 0.95)
        leads.push(
          worked(id, 1 + Math.floor(rnd() * 6), Math.floor(rnd() * age), 'no_answer', {
            ...base,
            callbackAt: rnd() < 0.2 ? iso(NOW + Math.floor((rnd() - 0.5) * 600) * MINUTE) : null,
          }),
        );
      else leads.push(lead(id, { ...base, status: 'won' }));
    }
    return leads;
  }

  const snapshot = (leads: readonly PriorityInput[], now = NOW) =>
    order(leads, now).rows.map((r) => `${r.rank} ${r.id} ${r.section} ${r.reason}`);

  function shuffled<T>(list: readonly T[], seed: number): T[] {
    const copy = [...list];
    let s = seed;
    for (let i = copy.length - 1; i > 0; i--) {
      s = (s * 16807) % 2147483647;
      const j = s % (i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }

  const leads = mixed(500);
  const expected = snapshot(leads);

  it('covers every section', () => {
    const sections = new Set(order(leads).rows.map((r) => r.section));
    expect([...sections].sort()).toEqual([
      'callback_due',
      'exhausted',
      'later_outside_hours',
      'new',
      'retry_due',
      'upcoming',
    ]);
  });

  it.each([1, 2, 3, 4, 5])('gives the same order for shuffled input (shuffle %i)', (seed) => {
    expect(snapshot(shuffled(leads, seed))).toEqual(expected);
  });

  it('gives the same order for fresh copies of the leads (nothing remembered)', () => {
    expect(snapshot(structuredClone(leads))).toEqual(expected);
  });

  it('does not depend on earlier calls', () => {
    order(shuffled(leads, 9), NOW + 7 * HOUR);
    order(leads.slice(0, 100), NOW - DAY);
    expect(snapshot(leads)).toEqual(expected);
  });

  it('notices other options on the same lead objects', () => {
    const evening = Date.parse('2026-06-03T20:00:00.000Z'); // 22:00 in Madrid
    const same = [
      lead('a', { timezone: null, country: null, phone: null, receivedAt: iso(evening) }),
      worked('b', 1, 30, 'no_answer', { timezone: null, country: null, phone: null }),
    ];
    const sections = (options?: PriorityOptions) =>
      order(same, evening, options).rows.map((r) => `${r.id} ${r.section}`);
    expect(sections()).toEqual(['a new', 'b retry_due']);
    expect(sections({ defaultTimeZone: 'Europe/Madrid' })).toEqual([
      'a later_outside_hours',
      'b later_outside_hours',
    ]);
    expect(sections({ retryLadder: { steps: [{ kind: 'after', ms: DAY }] } })).toEqual([
      'a new',
      'b upcoming',
    ]);
    expect(sections()).toEqual(['a new', 'b retry_due']);
  });

  it('breaks ties by receivedAt, then id', () => {
    const twin = (id: string, minutesOld: number) =>
      worked(id, 1, 30, 'no_answer', { receivedAt: ago(minutesOld) });
    expect(ids(order([twin('b', 40), twin('a', 40), twin('c', 50)]).rows)).toEqual(['c', 'a', 'b']);
  });

  it('ignores the machine clock, however far off it is', () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW + 3 * DAY);
    expect(snapshot(structuredClone(leads))).toEqual(expected);
    vi.setSystemTime(NOW - 400 * DAY);
    expect(snapshot(structuredClone(leads))).toEqual(expected);
  });
});

describe('orderQueue: output', () => {
  it('says when the next row changes section', () => {
    const { nextChangeAt } = order([
      worked('a', 1, 60, 'callback', { callbackAt: later(25) }),
      lead('b'),
    ]);
    expect(nextChangeAt).toBe(NOW + 25 * MINUTE);
    // Only the Berlin window closing (21:00 local) is ahead.
    expect(order([lead('b')]).nextChangeAt).toBe(Date.parse('2026-06-03T19:00:00.000Z'));
    expect(
      order([lead('c', { timezone: null, phone: null, country: null })]).nextChangeAt,
    ).toBeNull();
  });

  it('serialises rows with their reasons', () => {
    const row = order([lead('a')]).rows[0];
    if (!row) throw new Error('no row');
    const json: unknown = JSON.parse(JSON.stringify(row));
    expect(json).toEqual(plainRow(row));
    expect(structuredClone(plainRow(row))).toMatchObject({
      id: 'a',
      rank: 1,
      section: 'new',
      tier: 'hot',
      reason: 'Hot · demo request · 2 min old · SLA in 3:00',
      dueAt: NOW - 2 * MINUTE,
    });
  });

  it.each<[string, PriorityOptions, RegExp]>([
    ['bad calling hours', { callingHours: { start: '9' } }, /start must be "HH:MM"/],
    ['a zero tier weight', { tierWeights: { cold: 0 } }, /tierWeights.cold/],
    ['a negative SLA', { slaTargetsMs: { warm: -1 } }, /slaTargetsMs.warm/],
    ['a zero half-life', { laterHalfLifeMs: 0 }, /half-lives/],
    ['a bad ladder', { retryLadder: { steps: [{ kind: 'local', days: 1, at: '7am' }] } }, /"7am"/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => order([lead('a')], NOW, options)).toThrow(message);
  });
});

describe('retry ladder', () => {
  const last = Date.parse('2026-06-03T12:00:00.000Z'); // 14:00 in Berlin

  it('allows six attempts by default', () => {
    expect(maxAttempts()).toBe(6);
    expect(() => validateRetryLadder(DEFAULT_RETRY_LADDER)).not.toThrow();
  });

  it.each([
    [1, '2026-06-03T12:10:00.000Z'],
    [2, '2026-06-03T13:00:00.000Z'],
    [3, '2026-06-03T16:00:00.000Z'],
    [4, '2026-06-04T08:00:00.000Z'], // next day 10:00 in Berlin
    [5, '2026-06-05T08:00:00.000Z'], // two days later, 10:00
  ])('after attempt %i, the next is at %s', (attempts, expected) => {
    expect(iso(nextAttemptAt(attempts, last, 'Europe/Berlin') ?? 0)).toBe(expected);
  });

  it('stops after the last attempt, and is not for untouched leads', () => {
    expect(nextAttemptAt(6, last, 'Europe/Berlin')).toBeNull();
    expect(nextAttemptAt(0, last, 'Europe/Berlin')).toBeNull();
  });

  it('counts days in the lead-local calendar', () => {
    // 00:30 on 4 June in Berlin is still 3 June in UTC.
    const afterMidnight = Date.parse('2026-06-03T22:30:00.000Z');
    expect(iso(nextAttemptAt(4, afterMidnight, 'Europe/Berlin') ?? 0)).toBe(
      '2026-06-05T08:00:00.000Z',
    );
    // Across the spring-forward night: 10:00 CEST is 08:00 UTC.
    const saturday = Date.parse('2026-03-28T14:00:00.000Z');
    expect(iso(nextAttemptAt(4, saturday, 'Europe/Berlin') ?? 0)).toBe('2026-03-29T08:00:00.000Z');
    expect(iso(nextAttemptAt(4, last, 'America/New_York') ?? 0)).toBe('2026-06-04T14:00:00.000Z');
  });

  it('keeps the time of day when the zone is unknown', () => {
    expect(nextAttemptAt(4, last, null)).toBe(last + DAY);
    expect(nextAttemptAt(5, last, 'Nowhere/Special')).toBe(last + 2 * DAY);
  });

  it('refuses a malformed ladder', () => {
    expect(() => validateRetryLadder({ steps: [{ kind: 'after', ms: 0 }] })).toThrow(
      /ms must be > 0/,
    );
    expect(() => validateRetryLadder({ steps: [{ kind: 'local', days: 0, at: '10:00' }] })).toThrow(
      /days must be a whole number >= 1/,
    );
  });
});

describe('helpers', () => {
  it.each([
    '2026-06-03T12:00:00.000Z',
    '1999-12-31T23:59:59.999Z',
    '2024-02-29T00:00:00.001Z',
    '2026-06-03T14:00:00+02:00',
    '2026-06-03T12:00:00Z',
  ])('reads %s as Date.parse does', (text) => {
    expect(isoMs(text)).toBe(Date.parse(text));
  });

  it('reads junk and null as NaN', () => {
    expect(isoMs(null)).toBeNaN();
    expect(isoMs('2026-06-03Tab:00:00.000Z')).toBeNaN();
  });

  it.each([
    [59_999, '<1 min'],
    [MINUTE, '1 min'],
    [59 * MINUTE, '59 min'],
    [HOUR, '1 h'],
    [47 * HOUR, '47 h'],
    [2 * DAY, '2 days'],
  ])('spans %i ms as "%s"', (ms, text) => {
    expect(span(ms)).toBe(text);
  });
});

describe('a repeat inquiry raises the lead', () => {
  it('a worked lead that asked again after its last call is due now, and says why', () => {
    const asked = worked('asked', 2, 30, 'no_answer', { lastInquiryAt: ago(3) });
    const quiet = worked('quiet', 2, 30);
    const order = orderQueue([quiet, asked], NOW);
    const row = order.rows.find((r) => r.id === 'asked');
    expect(row?.section).toBe('retry_due');
    expect(row?.dueAt).toBe(NOW - 3 * MINUTE);
    expect(row?.reason).toBe('Hot · asked again 3 min ago · no answer 30 min ago');
    // The other is still waiting for its slot on the ladder.
    expect(order.rows.find((r) => r.id === 'quiet')?.section).toBe('upcoming');
  });

  it('even past the end of the retry ladder', () => {
    const done = worked('done', 6, 60, 'voicemail', { lastInquiryAt: ago(1) });
    expect(orderQueue([done], NOW).rows[0]?.section).toBe('retry_due');
    expect(orderQueue([worked('done2', 6, 60, 'voicemail')], NOW).rows[0]?.section).toBe(
      'exhausted',
    );
  });

  it('an untouched lead asking again is fresh again: it outranks one as old that did not', () => {
    const again = lead('again', {
      receivedAt: ago(90),
      lastInquiryAt: ago(1),
      tier: 'warm',
      score: 60,
    });
    const once = lead('once', { receivedAt: ago(90), tier: 'warm', score: 60 });
    const order = orderQueue([once, again], NOW);
    expect(order.rows.map((r) => r.id)).toEqual(['again', 'once']);
    expect(order.rows[0]?.reason).toMatch(
      /^Warm · demo request · asked again 1 min ago · SLA over by/,
    );
    // Its SLA still counts from when it first landed (the server's ladder does too).
    expect(order.rows[0]?.slaDeadlineAt).toBe(NOW - 90 * MINUTE + 30 * MINUTE);
  });
});

describe('claim mode: offered leads', () => {
  it('an offer is on top of everything, even outside calling hours; an unassigned lead is not in the queue', () => {
    const offer = { offeredAt: ago(1), expiresAt: later(1) };
    const rows = orderQueue(
      [
        worked('due-callback', 1, 60, 'callback', { callbackAt: ago(5) }),
        lead('fresh'),
        // 21:00 in Tokyo: outside calling hours, still claimable now.
        lead('offered', { status: 'unassigned', offer, timezone: 'Asia/Tokyo', country: 'JP' }),
        lead('waiting', { status: 'unassigned' }),
      ],
      NOW,
    ).rows;
    expect(rows.map((r) => [r.id, r.section])).toEqual([
      ['offered', 'offered'],
      ['due-callback', 'callback_due'],
      ['fresh', 'new'],
    ]);
    expect(rows[0]?.reason).toBe(
      'Offered to your team: first to claim gets it · Hot · demo request · 2 min old',
    );
  });
});
