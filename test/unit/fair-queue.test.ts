import { describe, expect, it } from 'vitest';
import { pickNext, type Candidate } from '../../sync-server/src/routing/fair-queue';

function run(
  weights: Record<string, number>,
  rounds: number,
  state = new Map<string, number>(),
  clock = 0,
) {
  const counts = new Map<string, number>();
  for (let i = 0; i < rounds; i++) {
    const candidates: Candidate[] = Object.entries(weights).map(([userId, weight]) => ({
      userId,
      weight,
      pass: state.get(userId) ?? null,
    }));
    const pick = pickNext(candidates, clock);
    if (!pick) throw new Error('no pick');
    state.set(pick.userId, pick.nextPass);
    clock = pick.clock;
    counts.set(pick.userId, (counts.get(pick.userId) ?? 0) + 1);
  }
  return { counts, state, clock };
}

describe('start-time fair queuing', () => {
  it('gives each rep its weighted share', () => {
    const { counts } = run({ a: 1, b: 2, c: 3, d: 4 }, 10_000);
    expect(counts.get('a')).toBe(1000);
    expect(counts.get('b')).toBe(2000);
    expect(counts.get('c')).toBe(3000);
    expect(counts.get('d')).toBe(4000);
  });

  it('alternates equal weights one by one', () => {
    const order: string[] = [];
    const state = new Map<string, number>();
    let clock = 0;
    for (let i = 0; i < 6; i++) {
      const pick = pickNext(
        ['x', 'y', 'z'].map((userId) => ({ userId, weight: 1, pass: state.get(userId) ?? null })),
        clock,
      );
      if (!pick) throw new Error('no pick');
      state.set(pick.userId, pick.nextPass);
      clock = pick.clock;
      order.push(pick.userId);
    }
    expect(order).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);
  });

  it('does not flood a rep who joins late or comes back: they take turns from now on', () => {
    const first = run({ a: 1, b: 1 }, 1000);
    // c joins after 1000 leads; a rep with history far behind (pass 0) is clamped to the clock too.
    first.state.set('c', 0);
    const { counts } = run({ a: 1, b: 1, c: 1 }, 30, first.state, first.clock);
    expect(counts.get('c')).toBe(10);
    expect(counts.get('a')).toBe(10);
  });

  it('returns null when nobody is eligible', () => {
    expect(pickNext([], 5)).toBeNull();
  });
});
