/**
 * A small seeded PRNG (mulberry32, seeded through a string hash) so demo data is reproducible:
 * the same seed gives the same leads, which makes a failing test or a demo run repeatable.
 * Not for anything secret.
 *
 *   const rnd = createRandom('demo');
 *   rnd.pick(['a', 'b']); rnd.int(1, 6); rnd.chance(0.25);
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight: `weighted([['hot', 1], ['cold', 3]])`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** `n` random characters from `alphabet`. */
  chars(n: number, alphabet: string): string;
}

export function createRandom(seed: string | number): Random {
  let state = hashSeed(String(seed));
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  return {
    next,
    int,
    pick,
    chance: (p) => next() < p,
    weighted<T>(entries: readonly (readonly [T, number])[]): T {
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [value, w] of entries) {
        roll -= w;
        if (roll < 0) return value;
      }
      const last = entries[entries.length - 1];
      if (!last) throw new Error('weighted pick from an empty list');
      return last[0];
    },
    chars(n, alphabet) {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet.charAt(int(0, alphabet.length - 1));
      return out;
    },
  };
}

/** FNV-1a over the seed text: any string or number becomes a 32-bit starting state. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
