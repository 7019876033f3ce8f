import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callbackChoices,
  customTimeDefault,
  parseCustomTime,
  wallTimeToUtc,
} from '../../src/renderer/src/lib/callback-choices';
import { actionFor, keyFor, SHORTCUTS, shortcutsFor } from '../../src/renderer/src/lib/keymap';
import { makePlaybook } from '../../src/shared/playbook';
import { afterNextPaint } from '../../src/renderer/src/lib/after-paint';
import { Ticker } from '../../src/renderer/src/lib/ticker';
import {
  agoText,
  elapsedText,
  rowClock,
  slaState,
  zoneClock,
} from '../../src/renderer/src/lib/time';
import { DISPOSITION_INFO, DISPOSITIONS } from '../../src/shared/dispositions';

/* The renderer's pure parts: what the timers read, the callback times, the shortcut table. */

const MIN = 60_000;
const H = 60 * MIN;

describe('timers', () => {
  it('reads a running timer the way a rep glances at it', () => {
    expect(elapsedText(0)).toBe('0:00');
    expect(elapsedText(59_999)).toBe('0:59');
    expect(elapsedText(12 * MIN + 5_000)).toBe('12:05');
    expect(elapsedText(H + 2 * MIN + 9_000)).toBe('1:02:09');
    expect(elapsedText(3 * 24 * H + 4 * H)).toBe('3d 4h');
    expect(elapsedText(-5_000)).toBe('0:00');
  });

  it('colours the SLA countdown by the share of the target left, and counts up once breached', () => {
    const received = 0;
    const deadline = 5 * MIN; // a hot lead's 5-minute target
    expect(slaState(deadline, received, 0)).toEqual({ text: '5:00', level: 'ok' });
    expect(slaState(deadline, received, 2 * MIN)).toEqual({ text: '3:00', level: 'ok' });
    expect(slaState(deadline, received, 3 * MIN)).toEqual({ text: '2:00', level: 'soon' });
    expect(slaState(deadline, received, 4 * MIN + 30_000)).toEqual({
      text: '0:30',
      level: 'urgent',
    });
    // Never "0:00" while time is left: rounded up.
    expect(slaState(deadline, received, deadline - 1)).toEqual({ text: '0:01', level: 'urgent' });
    expect(slaState(deadline, received, deadline)).toEqual({ text: '+0:00', level: 'breached' });
    expect(slaState(deadline, received, deadline + 70_000)).toEqual({
      text: '+1:10',
      level: 'breached',
    });
    expect(slaState(null, received, 0)).toEqual({ text: '', level: 'none' });
  });

  it("shows the lead's wall clock in their zone, across a DST change", () => {
    const at = Date.UTC(2026, 11, 1, 14, 5);
    expect(zoneClock('America/New_York', at)).toBe('09:05');
    expect(zoneClock('Asia/Kolkata', at)).toBe('19:35');
    expect(zoneClock('Not/AZone', at)).toBeNull();
    // Berlin springs forward at 01:00 UTC on 2026-03-29.
    expect(zoneClock('Europe/Berlin', Date.UTC(2026, 2, 29, 0, 59))).toBe('01:59');
    expect(zoneClock('Europe/Berlin', Date.UTC(2026, 2, 29, 1, 0))).toBe('03:00');
  });

  it("reads a row's local time from the app while it is that minute, then from the zone", () => {
    const at = Date.UTC(2026, 11, 1, 14, 5, 20);
    // The app's reading stands while the minute lasts (no formatter needed for a first paint).
    expect(rowClock('America/New_York', '09:05', at, at + 30_000)).toBe('09:05');
    // A minute on, the zone is read; it agrees with what the app would say.
    expect(rowClock('America/New_York', '09:05', at, at + 40_000)).toBe('09:06');
    expect(rowClock('Asia/Kolkata', null, at, at)).toBe('19:35');
    expect(rowClock('Not/AZone', null, at, at)).toBe('');
    // Across a DST change the zone's own offset is used, not the reading taken before it.
    const beforeSpring = Date.UTC(2026, 2, 29, 0, 59, 30);
    expect(rowClock('Europe/Berlin', '01:59', beforeSpring, beforeSpring + 30_000)).toBe('03:00');
  });

  it('says how long ago the last sync was', () => {
    expect(agoText(3_000)).toBe('just now');
    expect(agoText(42_000)).toBe('42 s ago');
    expect(agoText(5 * MIN)).toBe('5 min ago');
    expect(agoText(3 * H)).toBe('3 h ago');
  });
});

describe('callback choices in the lead’s local time', () => {
  // Tuesday 2026-12-01 12:00 UTC = 07:00 in New York.
  const now = Date.UTC(2026, 11, 1, 12, 0);

  it('offers this afternoon, tomorrow and Monday at their wall-clock times', () => {
    const choices = callbackChoices(now, 'America/New_York');
    expect(choices.map((c) => [c.key, c.label, new Date(c.at).toISOString()])).toEqual([
      ['1', 'In 1 hour', '2026-12-01T13:00:00.000Z'],
      ['2', 'In 3 hours', '2026-12-01T15:00:00.000Z'],
      ['3', 'Today 16:00', '2026-12-01T21:00:00.000Z'],
      ['4', 'Tomorrow 09:00', '2026-12-02T14:00:00.000Z'],
      ['5', 'Tomorrow 14:00', '2026-12-02T19:00:00.000Z'],
      ['6', 'Monday 10:00', '2026-12-07T15:00:00.000Z'],
    ]);
  });

  it('drops "today 16:00" once it is afternoon there, and rounds "in 1 hour" up to 5 minutes', () => {
    // 12:00 UTC is 21:00 in Tokyo.
    const choices = callbackChoices(now + 7 * MIN + 13_000, 'Asia/Tokyo');
    expect(choices.map((c) => c.label)).not.toContain('Today 16:00');
    expect(new Date(choices[0]?.at ?? 0).toISOString()).toBe('2026-12-01T13:10:00.000Z');
    expect(new Date(choices[2]?.at ?? 0).toISOString()).toBe('2026-12-02T00:00:00.000Z'); // 09:00 JST
  });

  it('on a Monday, "Monday" means next week', () => {
    const monday = Date.UTC(2026, 11, 7, 12, 0);
    const choice = callbackChoices(monday, 'UTC').find((c) => c.label === 'Monday 10:00');
    expect(new Date(choice?.at ?? 0).toISOString()).toBe('2026-12-14T10:00:00.000Z');
  });

  it('reads a custom time in their zone; the past and garbage are refused', () => {
    expect(parseCustomTime('2026-12-02T14:30', 'Asia/Tokyo', now)).toBe(
      Date.UTC(2026, 11, 2, 5, 30),
    );
    expect(parseCustomTime('2026-12-01T06:00', 'America/New_York', now)).toBeNull(); // 11:00 UTC
    expect(parseCustomTime('tomorrow', 'UTC', now)).toBeNull();
    expect(parseCustomTime('2026-13-01T10:00', 'UTC', now)).toBeNull();
    expect(customTimeDefault(now, 'America/New_York')).toBe('2026-12-01T08:00');
  });

  it('a wall time that does not exist (clocks going forward) reads as the clocks show it', () => {
    const day = Math.floor(Date.UTC(2026, 2, 29) / (24 * H));
    // 02:30 does not happen in Berlin that night; 03:30 CEST = 01:30 UTC.
    expect(new Date(wallTimeToUtc(day, 150, 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
});

describe('the shortcut table', () => {
  it('gives every key one meaning, and every outcome its digit', () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of DISPOSITIONS) {
      expect(
        actionFor({
          key: DISPOSITION_INFO[d].shortcut,
          ctrlKey: false,
          metaKey: false,
          altKey: false,
        }),
      ).toEqual({
        type: 'outcome',
        disposition: d,
      });
    }
  });

  it('leaves keys with modifiers to the browser and the OS', () => {
    expect(actionFor({ key: 'c', ctrlKey: true, metaKey: false, altKey: false })).toBeNull();
    expect(actionFor({ key: 'c', ctrlKey: false, metaKey: true, altKey: false })).toBeNull();
    expect(actionFor({ key: 'c', ctrlKey: false, metaKey: false, altKey: false })).toEqual({
      type: 'call',
    });
    expect(actionFor({ key: 'q', ctrlKey: false, metaKey: false, altKey: false })).toBeNull();
  });

  it("digits log the outcome the team's playbook puts on them", () => {
    const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false });
    const playbook = makePlaybook({ dispositions: { voicemail: { offered: false } } });
    expect(actionFor(key('2'), playbook)).toEqual({ type: 'outcome', disposition: 'callback' });
    expect(actionFor(key('8'), playbook)).toBeNull(); // seven offered
    expect(actionFor(key('2'))).toEqual({ type: 'outcome', disposition: 'voicemail' });
    const outcomes = shortcutsFor(playbook).filter((s) => s.group === 'Log the outcome');
    expect(outcomes.map((s) => s.keys[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(actionFor(key('x'))).toEqual({ type: 'cancelCall' });
  });

  it('shows the key the handler listens to', () => {
    expect(keyFor('open')).toBe('↵');
    expect(keyFor('next')).toBe('j');
    expect(keyFor('outcome', 'no_answer')).toBe('1');
    expect(keyFor('help')).toBe('?');
  });
});

describe('work after the next paint', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs later, not now, and not at all once cancelled (a timer where idle callbacks are missing)', () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    afterNextPaint(() => ran.push('a'));
    const cancel = afterNextPaint(() => ran.push('b'));
    expect(ran).toEqual([]);
    cancel();
    vi.advanceTimersByTime(100);
    expect(ran).toEqual(['a']);
  });
});

describe('the ticker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('paints every cell once a second, on the second, with one clock', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 1, 12, 0, 0, 400) });
    const ticker = new Ticker();
    const seen: number[][] = [[], []];
    const stopA = ticker.add((now) => seen[0]?.push(now));
    ticker.add((now) => seen[1]?.push(now));
    expect(seen.map((s) => s.length)).toEqual([1, 1]); // painted at once
    vi.advanceTimersByTime(620); // past 12:00:01
    expect(seen[0]?.[1]).toBe(seen[1]?.[1]);
    expect((seen[0]?.[1] ?? 0) % 1000).toBeLessThan(50);
    stopA();
    vi.advanceTimersByTime(3000);
    expect(seen[0]).toHaveLength(2);
    expect(seen[1]).toHaveLength(5);
  });

  it('takes the app’s clock when it differs by more than transit time; one bad cell spares the rest', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const ticker = new Ticker();
    ticker.syncTo(1_000_300);
    expect(ticker.now()).toBe(1_000_000);
    ticker.syncTo(1_060_000);
    expect(ticker.now()).toBe(1_060_000);
    const good: number[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    ticker.add(() => {
      throw new Error('boom');
    });
    ticker.add((now) => good.push(now));
    ticker.tick();
    expect(good).toHaveLength(2);
    expect(spy).toHaveBeenCalled();
  });
});
