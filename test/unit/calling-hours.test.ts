import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  cachedPhoneCountry,
  callableState,
  callingWindow,
  COUNTRY_TIME_ZONES,
  isKnownZone,
  leadTimeZone,
  localToUtc,
  resetCallingHoursCaches,
  utcOffsetMinutes,
} from '../../src/shared/calling-hours';
import { phoneCountry } from '../../src/shared/phone';

const at = (iso: string) => Date.parse(iso);

/** The offset straight from Intl, without any cache: the reference the cached one must match. */
function referenceOffset(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

beforeEach(() => resetCallingHoursCaches());

describe('leadTimeZone', () => {
  const none = { timezone: null, phone: null, country: null };

  it.each([
    [
      'its own zone first',
      { timezone: 'America/Denver', phone: '+4930123456', country: 'DE' },
      'America/Denver',
      'lead',
    ],
    [
      'no zone, a +49 phone: Berlin',
      { ...none, phone: '+4930901820', country: 'US' },
      'Europe/Berlin',
      'phone',
    ],
    ['no zone, a US phone', { ...none, phone: '+14155550123' }, 'America/Chicago', 'phone'],
    ['no zone, a Canadian phone', { ...none, phone: '+16135550199' }, 'America/Toronto', 'phone'],
    [
      'no zone, a UK phone (+44 is shared)',
      { ...none, phone: '+442079460123' },
      'Europe/London',
      'phone',
    ],
    ['only a country', { ...none, country: 'JP' }, 'Asia/Tokyo', 'country'],
    [
      'a zone the runtime does not know: the next source',
      { timezone: 'Mars/Olympus_Mons', phone: '+33142685300', country: null },
      'Europe/Paris',
      'phone',
    ],
    [
      'a phone of a country without a table entry: the lead country',
      { ...none, phone: '+3545512345', country: 'SE' },
      'Europe/Stockholm',
      'country',
    ],
  ] as const)('%s', (_name, lead, zone, source) => {
    expect(leadTimeZone(lead)).toEqual({ zone, source });
  });

  it('falls back to the configured default, else to nothing', () => {
    expect(leadTimeZone(none)).toBeNull();
    expect(leadTimeZone(none, { defaultTimeZone: 'Europe/Madrid' })).toEqual({
      zone: 'Europe/Madrid',
      source: 'default',
    });
  });

  it('takes country overrides', () => {
    expect(
      leadTimeZone({ ...none, country: 'US' }, { countryTimeZones: { US: 'America/New_York' } }),
    ).toEqual({ zone: 'America/New_York', source: 'country' });
  });

  it.each(Object.entries(COUNTRY_TIME_ZONES))(
    'maps %s to a zone the runtime knows (%s)',
    (_c, zone) => {
      expect(isKnownZone(zone)).toBe(true);
    },
  );
});

describe('cachedPhoneCountry', () => {
  it.each([
    '+4930901820',
    '+14155550123',
    '+16135550199',
    '+12425550123', // Bahamas, in the North American plan
    '+447700900123',
    '+441481712345', // Guernsey, +44
    '+79161234567',
    '+77012345678', // Kazakhstan, +7
    '+33142685300',
    '+819012345678',
  ])('agrees with phoneCountry for %s, cold and cached', (e164) => {
    const expected = phoneCountry(e164);
    expect(cachedPhoneCountry(e164)).toBe(expected);
    expect(cachedPhoneCountry(e164)).toBe(expected);
  });

  it('gives null for what is not a number', () => {
    expect(cachedPhoneCountry('not a phone')).toBeNull();
  });
});

describe('utcOffsetMinutes', () => {
  it.each([
    ['Europe/Berlin', '2026-01-15T12:00:00.000Z', 60],
    ['Europe/Berlin', '2026-07-15T12:00:00.000Z', 120],
    ['America/New_York', '2026-01-15T12:00:00.000Z', -300],
    ['America/New_York', '2026-07-15T12:00:00.000Z', -240],
    ['Asia/Kolkata', '2026-07-15T12:00:00.000Z', 330],
    ['Asia/Kathmandu', '2026-07-15T12:00:00.000Z', 345],
    ['Australia/Sydney', '2026-01-15T12:00:00.000Z', 660],
    ['Australia/Sydney', '2026-07-15T12:00:00.000Z', 600],
    ['UTC', '2026-07-15T12:00:00.000Z', 0],
  ])('%s at %s is %i', (zone, iso, offset) => {
    expect(utcOffsetMinutes(zone, at(iso))).toBe(offset);
  });

  it.each([
    // Europe/Berlin springs forward at 01:00 UTC on the last Sunday of March.
    ['Europe/Berlin', '2026-03-29T00:59:59.999Z', 60],
    ['Europe/Berlin', '2026-03-29T01:00:00.000Z', 120],
    ['Europe/Berlin', '2026-10-25T00:59:59.999Z', 120],
    ['Europe/Berlin', '2026-10-25T01:00:00.000Z', 60],
    // America/New_York: 2:00 local on the second Sunday of March, first Sunday of November.
    ['America/New_York', '2026-03-08T06:59:59.999Z', -300],
    ['America/New_York', '2026-03-08T07:00:00.000Z', -240],
    ['America/New_York', '2026-11-01T05:59:59.999Z', -240],
    ['America/New_York', '2026-11-01T06:00:00.000Z', -300],
    // Lord Howe Island moves by half an hour, at a half hour of UTC.
    ['Australia/Lord_Howe', '2026-04-04T14:59:59.999Z', 660],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00.000Z', 630],
  ])('is exact at a transition: %s at %s is %i', (zone, iso, offset) => {
    expect(utcOffsetMinutes(zone, at(iso))).toBe(offset);
  });

  it('gives null for an unknown zone', () => {
    expect(utcOffsetMinutes('Nowhere/Special', 0)).toBeNull();
    expect(isKnownZone('Nowhere/Special')).toBe(false);
  });

  it('matches Intl for any instant, whatever the order the cache fills in', () => {
    const zones = [
      'Europe/Berlin',
      'America/New_York',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Africa/Casablanca',
      'Pacific/Chatham',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-12-31T00:00:00Z') }),
        (zone, instant) => utcOffsetMinutes(zone, instant) === referenceOffset(zone, instant),
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('localToUtc', () => {
  const local = (iso: string) => at(`${iso}Z`);

  it.each([
    ['Europe/Berlin', '2026-06-03T10:00:00', '2026-06-03T08:00:00.000Z'],
    ['Europe/Berlin', '2026-01-03T10:00:00', '2026-01-03T09:00:00.000Z'],
    ['America/New_York', '2026-11-01T08:00:00', '2026-11-01T13:00:00.000Z'],
    // Never shown by the clocks (02:00 -> 03:00): read as they would show it, 03:30.
    ['Europe/Berlin', '2026-03-29T02:30:00', '2026-03-29T01:30:00.000Z'],
    // Shown twice (03:00 -> 02:00): the later one.
    ['Europe/Berlin', '2026-10-25T02:30:00', '2026-10-25T01:30:00.000Z'],
  ])('%s %s is %s', (zone, wall, utc) => {
    expect(new Date(localToUtc(zone, local(wall)) ?? 0).toISOString()).toBe(utc);
  });
});

describe('callingWindow', () => {
  it('defaults to 08:00-21:00 with weekends', () => {
    expect(callingWindow()).toEqual({
      startMinute: 480,
      endMinute: 1260,
      weekends: true,
      startText: '08:00',
    });
  });

  it.each([
    [{ start: '8:00' }, /start must be "HH:MM"/],
    [{ end: '25:00' }, /end must be "HH:MM"/],
    [{ start: '10:00', end: '09:00' }, /end \(09:00\) must be after start \(10:00\)/],
  ])('refuses %o', (hours, message) => {
    expect(() => callingWindow(hours)).toThrow(message);
  });

  it('accepts an end of 24:00', () => {
    expect(callingWindow({ start: '00:00', end: '24:00' }).endMinute).toBe(1440);
  });
});

describe('callableState', () => {
  const iso = (ms: number) => new Date(ms).toISOString();

  it.each([
    // zone, now (UTC), callable, local time, next callable (UTC)
    ['Europe/Berlin', '2026-06-03T05:59:00.000Z', false, '07:59', '2026-06-03T06:00:00.000Z'],
    ['Europe/Berlin', '2026-06-03T06:00:00.000Z', true, '08:00', '2026-06-03T06:00:00.000Z'],
    ['Europe/Berlin', '2026-06-03T18:59:00.000Z', true, '20:59', '2026-06-03T18:59:00.000Z'],
    ['Europe/Berlin', '2026-06-03T19:00:00.000Z', false, '21:00', '2026-06-04T06:00:00.000Z'],
    // Saturday 22:00 CET; clocks go forward in the night: 08:00 CEST is 06:00 UTC.
    ['Europe/Berlin', '2026-03-28T21:00:00.000Z', false, '22:00', '2026-03-29T06:00:00.000Z'],
    // Saturday 23:00 EDT; clocks go back in the night: 08:00 EST is 13:00 UTC.
    ['America/New_York', '2026-11-01T03:00:00.000Z', false, '23:00', '2026-11-01T13:00:00.000Z'],
    // Sydney leaves daylight time on 5 April 2026: 08:00 AEST is 22:00 UTC the day before.
    ['Australia/Sydney', '2026-04-04T11:00:00.000Z', false, '22:00', '2026-04-04T22:00:00.000Z'],
    ['Asia/Kolkata', '2026-06-03T15:29:00.000Z', true, '20:59', '2026-06-03T15:29:00.000Z'],
    ['Asia/Kolkata', '2026-06-03T15:30:00.000Z', false, '21:00', '2026-06-04T02:30:00.000Z'],
  ])('%s at %s: callable %s, %s local, next %s', (zone, now, callable, localTime, next) => {
    const state = callableState(zone, at(now));
    expect(state?.callableNow).toBe(callable);
    expect(state?.localTime).toBe(localTime);
    expect(iso(state?.nextCallableAt ?? 0)).toBe(next);
    expect(state?.nextCallableIso).toBe(next);
  });

  it('says when a callable window closes', () => {
    const state = callableState('Europe/Berlin', at('2026-06-03T12:00:00.000Z'));
    expect(iso(state?.changesAt ?? 0)).toBe('2026-06-03T19:00:00.000Z');
  });

  it('skips weekends when they are off', () => {
    const window = callingWindow({ weekends: false, start: '09:00' });
    // Saturday 12:00 in Berlin.
    const saturday = callableState('Europe/Berlin', at('2026-06-06T10:00:00.000Z'), window);
    expect(saturday).toMatchObject({
      callableNow: false,
      localWeekday: 'Sat',
      nextCallableLocal: '09:00',
      nextCallableWeekday: 'Mon',
      nextCallableIso: '2026-06-08T07:00:00.000Z',
    });
    // Friday 21:30: next is Monday too.
    const friday = callableState('Europe/Berlin', at('2026-06-05T19:30:00.000Z'), window);
    expect(friday?.nextCallableIso).toBe('2026-06-08T07:00:00.000Z');
    // Weekends on by default.
    expect(callableState('Europe/Berlin', at('2026-06-06T10:00:00.000Z'))?.callableNow).toBe(true);
  });

  it('is null for an unknown zone', () => {
    expect(callableState('Nowhere/Special', 0)).toBeNull();
  });
});
