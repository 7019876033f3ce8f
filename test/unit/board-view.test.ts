import { describe, expect, it } from 'vitest';
import {
  ageText,
  axisDuration,
  dayLabel,
  durationText,
  durationUnit,
  rateText,
} from '../../src/renderer/src/board/figures';
import { bucketLabel, speedHistogram } from '../../src/renderer/src/board/histogram';
import { filterChoices, orderChoices } from '../../src/renderer/src/board/rep-choices';
import {
  cycleSort,
  DEFAULT_REP_SORT,
  nextSort,
  REP_COLUMNS,
  sortReps,
} from '../../src/renderer/src/board/rep-sort';
import { reconnectDelay } from '../../src/renderer/src/wallboard/reconnect';
import {
  BOARD_KEY,
  BOARD_SHORTCUTS,
  boardActionFor,
  SHORTCUTS,
  shortcutsFor,
} from '../../src/renderer/src/lib/keymap';
import { wallboardContentSecurityPolicy } from '../../src/main/shell/csp';
import type { BoardRep } from '../../src/shared/board-protocol';
import { orderBoards, type BoardView } from '../../src/shared/board-view';
import { DEFAULT_PLAYBOOK } from '../../src/shared/playbook';

/* The board's pure parts: how figures read, how the rep table sorts, the histogram's buckets. */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

function rep(repId: string, set: Partial<BoardRep> = {}): BoardRep {
  return {
    repId,
    day: '2026-12-01',
    slaBreaches: 0,
    attempts: 0,
    connects: 0,
    contactRate: null,
    qualified: 0,
    meetingsBooked: 0,
    firstTouches: 0,
    speedToLeadP50Ms: null,
    speedToLeadP90Ms: null,
    openQueue: 0,
    untouched: 0,
    oldestUntouchedAt: null,
    presence: 'receiving',
    presenceSince: 0,
    ...set,
  };
}

const NAMES: Record<string, string> = { a: 'Ana', b: 'bob', c: 'Cleo', d: 'Dan' };
const nameOf = (id: string) => NAMES[id] ?? id;
const ids = (reps: readonly BoardRep[]) => reps.map((r) => r.repId);

describe('figures', () => {
  it('reads durations coarser as they grow, and nothing as a dash', () => {
    expect(durationText(null)).toBe('—');
    expect(durationText(Number.NaN)).toBe('—');
    expect(durationText(-5 * S)).toBe('0s');
    expect(durationText(999)).toBe('0s');
    expect(durationText(42 * S)).toBe('42s');
    expect(durationText(4 * M + 5 * S)).toBe('4m 05s');
    expect(durationText(H + 7 * M + 59 * S)).toBe('1h 07m');
    expect(durationText(3 * 24 * H + 4 * H + 10 * M)).toBe('3d 4h');
  });

  it('says no contact rate without attempts (not 0%), and rounds the rest', () => {
    expect(rateText(null)).toBe('—');
    expect(rateText(0)).toBe('0%');
    expect(rateText(0.5)).toBe('50%');
    expect(rateText(2 / 3)).toBe('67%');
    expect(rateText(1)).toBe('100%');
  });

  it('ages from a start time, and a dash when there is none', () => {
    expect(ageText(10 * M, null)).toBe('—');
    expect(ageText(10 * M, 7 * M)).toBe('3m 00s');
  });

  it('labels axes short, days without a Date, and picks a readable unit', () => {
    expect(axisDuration(30 * S)).toBe('30s');
    expect(axisDuration(5 * M)).toBe('5m');
    expect(axisDuration(90 * M)).toBe('1.5h');
    expect(axisDuration(2 * 24 * H)).toBe('2d');
    expect(dayLabel('2026-12-01')).toBe('Dec 01');
    expect(dayLabel('not a day')).toBe('not a day');
    expect(durationUnit(90 * S).suffix).toBe('s');
    expect(durationUnit(20 * M).suffix).toBe('m');
    expect(durationUnit(3 * H).suffix).toBe('h');
  });
});

describe('the rep table', () => {
  const reps = [
    rep('a', { untouched: 2, oldestUntouchedAt: 5 * M, contactRate: 0.5, presence: 'offline' }),
    rep('b', { untouched: 0, contactRate: null, presence: 'receiving' }),
    rep('c', { untouched: 2, oldestUntouchedAt: 1 * M, contactRate: 1, presence: 'away' }),
    rep('d', { untouched: 5, oldestUntouchedAt: 9 * M, contactRate: 0, presence: 'online' }),
  ];

  it('sorts by any column, both ways, ties by name', () => {
    expect(ids(sortReps(reps, { column: 'untouched', direction: 'desc' }, nameOf))).toEqual([
      'd',
      'a', // a tie with Cleo: by name
      'c',
      'b',
    ]);
    expect(ids(sortReps(reps, { column: 'untouched', direction: 'asc' }, nameOf))).toEqual([
      'b',
      'a',
      'c',
      'd',
    ]);
    // Case does not decide a name's place.
    expect(ids(sortReps(reps, { column: 'name', direction: 'asc' }, nameOf))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(ids(sortReps(reps, { column: 'presence', direction: 'asc' }, nameOf))).toEqual([
      'b',
      'd',
      'c',
      'a',
    ]);
  });

  it('puts the longest wait first, and reps with nothing waiting last either way', () => {
    const longest = sortReps(reps, { column: 'oldestUntouched', direction: 'desc' }, nameOf);
    expect(ids(longest)).toEqual(['c', 'a', 'd', 'b']);
    const shortest = sortReps(reps, { column: 'oldestUntouched', direction: 'asc' }, nameOf);
    expect(ids(shortest)).toEqual(['d', 'a', 'c', 'b']);
    // No attempts, no contact rate: last, not worst.
    const rate = sortReps(reps, { column: 'contactRate', direction: 'asc' }, nameOf);
    expect(ids(rate).at(-1)).toBe('b');
  });

  it('sorts by every column without throwing, keeping every rep', () => {
    for (const column of REP_COLUMNS) {
      for (const direction of ['asc', 'desc'] as const) {
        expect(sortReps(reps, { column, direction }, nameOf)).toHaveLength(reps.length);
      }
    }
  });

  it('flips a column on a second click and starts another in its natural direction', () => {
    expect(nextSort({ column: 'attempts', direction: 'desc' }, 'attempts')).toEqual({
      column: 'attempts',
      direction: 'asc',
    });
    expect(nextSort(DEFAULT_REP_SORT, 'name')).toEqual({ column: 'name', direction: 'asc' });
    expect(nextSort(DEFAULT_REP_SORT, 'attempts').direction).toBe('desc');
    expect(nextSort(DEFAULT_REP_SORT, 'speedToLeadP50Ms').direction).toBe('asc');
  });

  it('cycles the sort column with the keyboard, wrapping around', () => {
    const last = REP_COLUMNS[REP_COLUMNS.length - 1] ?? 'name';
    expect(cycleSort({ column: last, direction: 'asc' }, 1).column).toBe(REP_COLUMNS[0]);
    expect(cycleSort({ column: 'name', direction: 'asc' }, -1).column).toBe(last);
    expect(cycleSort({ column: 'name', direction: 'asc' }, 1).column).toBe('presence');
  });
});

describe('the speed-to-lead histogram', () => {
  it('is empty without samples', () => {
    const h = speedHistogram([]);
    expect(h).toMatchObject({ counts: [], starts: [], total: 0, open: false });
  });

  it('takes the narrowest round width that fits, and counts every sample once', () => {
    const samples = [10 * S, 50 * S, 70 * S, 3 * M + 10 * S, 4 * M, 4 * M + 59 * S];
    const h = speedHistogram(samples);
    expect(h.bucketMs).toBe(30 * S);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(samples.length);
    expect(h.counts[0]).toBe(1); // [0, 30s)
    expect(h.counts[1]).toBe(1); // [30s, 1m)
    expect(h.counts[2]).toBe(1); // [1m, 1m30s)
    expect(h.open).toBe(false);
    expect(bucketLabel(h, 0)).toBe('0–30s');
    expect(bucketLabel(h, 2)).toBe('1m–1.5m');
  });

  it('puts a sample on an edge in the bucket it starts', () => {
    const h = speedHistogram([0, M, 2 * M], 12);
    expect(h.bucketMs).toBe(15 * S);
    expect(h.counts[0]).toBe(1);
    expect(h.counts[4]).toBe(1);
    expect(h.counts[8]).toBe(1);
  });

  it('cuts the range at p95 once there are enough samples: outliers go in one open bucket', () => {
    // 40 calls within 3 minutes and one lead left for 6 hours.
    const samples = [...Array.from({ length: 40 }, (_, i) => (i % 6) * 30 * S), 6 * H];
    const h = speedHistogram(samples);
    expect(h.bucketMs).toBeLessThanOrEqual(30 * S);
    expect(h.open).toBe(true);
    expect(h.counts.at(-1)).toBe(1);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(41);
    expect(bucketLabel(h, h.counts.length - 1)).toMatch(/\+$/);
    expect(h.counts.length).toBeLessThanOrEqual(12);
  });

  it('never uses more buckets than asked, even when open', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i * 7 * M);
    const h = speedHistogram(samples, 8);
    expect(h.counts.length).toBeLessThanOrEqual(8);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe('the rep picker', () => {
  const choices = [
    { id: '1', name: 'Zoë Park', presence: 'offline' as const, untouched: 0 },
    { id: '2', name: 'Ana Ruiz', presence: 'away' as const, untouched: 1 },
    { id: '3', name: 'José Lima', presence: 'receiving' as const, untouched: 3 },
    { id: '4', name: 'Bo Chen', presence: 'receiving' as const, untouched: 0 },
  ];

  it('numbers who can take leads first, then by name', () => {
    expect(orderChoices(choices).map((c) => c.id)).toEqual(['4', '3', '2', '1']);
  });

  it('filters by every typed word, ignoring case and accents', () => {
    expect(filterChoices(choices, 'jose').map((c) => c.id)).toEqual(['3']);
    expect(filterChoices(choices, 'ZOE park').map((c) => c.id)).toEqual(['1']);
    expect(filterChoices(choices, '  ')).toHaveLength(4);
    expect(filterChoices(choices, 'nobody')).toEqual([]);
  });
});

describe('the board keys', () => {
  it('give every key one meaning on the board', () => {
    const keys = BOARD_SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    const plain = { ctrlKey: false, metaKey: false, altKey: false };
    expect(boardActionFor({ key: 'r', ...plain })).toEqual({ type: 'reassign' });
    expect(boardActionFor({ key: 'u', ...plain })).toEqual({ type: 'release' });
    expect(boardActionFor({ key: BOARD_KEY, ...plain })).toEqual({ type: 'inbox' });
    expect(boardActionFor({ key: 'r', ...plain, ctrlKey: true })).toBeNull();
  });

  it('show the board key to team leads only', () => {
    const board = (list: readonly { readonly keys: readonly string[] }[]) =>
      list.some((s) => s.keys.includes(BOARD_KEY));
    expect(board(shortcutsFor(DEFAULT_PLAYBOOK))).toBe(false);
    expect(board(shortcutsFor(DEFAULT_PLAYBOOK, { board: true }))).toBe(true);
    expect(SHORTCUTS.filter((s) => s.keys.includes(BOARD_KEY))).toHaveLength(1);
  });
});

describe('the wallboard', () => {
  it('reconnects with full jitter under a growing, capped ceiling', () => {
    expect(reconnectDelay(0, () => 0.999)).toBeLessThan(500);
    expect(reconnectDelay(3, () => 0.999)).toBeLessThan(4000);
    expect(reconnectDelay(3, () => 0.999)).toBeGreaterThan(3900);
    expect(reconnectDelay(50, () => 0.999)).toBeLessThan(30_000);
    expect(reconnectDelay(5, () => 0)).toBe(0);
  });

  it('lists boards by team name, unknown names last', () => {
    const view = (teamId: string, teamName: string | null) => ({ teamId, teamName }) as BoardView;
    const ordered = orderBoards([view('t3', null), view('t2', 'West'), view('t1', 'East')]);
    expect(ordered.map((b) => b.teamId)).toEqual(['t1', 't2', 't3']);
  });

  it('has a policy for its own origin and socket, with no inline script', () => {
    const policy = wallboardContentSecurityPolicy({ dev: false });
    expect(policy).toContain("connect-src 'self' ws: wss:");
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("object-src 'none'");
    expect(wallboardContentSecurityPolicy({ dev: true })).toContain("'unsafe-inline'");
  });
});
