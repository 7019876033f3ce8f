import type { AtRiskEntry } from '../../../src/shared/board-protocol';

/*
 * What a delta carries: the figures whose value differs from what the board was last sent.
 * Figures are flat (numbers, strings, null), so `!==` per key is the whole comparison.
 */

type Flat = Readonly<Record<string, number | string | null>>;

/** The fields of `next` that differ from `prev` (all of them when `prev` is unknown), or null. */
export function changedFields<T extends Flat>(prev: T | undefined, next: T): Partial<T> | null {
  if (!prev) return { ...next };
  let set: Partial<T> | null = null;
  for (const key of Object.keys(next) as (keyof T & string)[]) {
    if (prev[key] !== next[key]) {
      set ??= {};
      set[key] = next[key];
    }
  }
  return set;
}

export function sameAtRisk(a: readonly AtRiskEntry[], b: readonly AtRiskEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      !x ||
      !y ||
      x.leadId !== y.leadId ||
      x.repId !== y.repId ||
      x.slaDueAt !== y.slaDueAt ||
      x.tier !== y.tier ||
      x.receivedAt !== y.receivedAt
    ) {
      return false;
    }
  }
  return true;
}
