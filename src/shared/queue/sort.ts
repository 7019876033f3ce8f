import { SECTION_COUNT } from './policy';
import type { Row } from './row';

/*
 * The sort engine: sections by counting (stable), each section merge-sorted on typed-array keys.
 * Hand-written because Array.prototype.sort calls a comparator closure per comparison, several
 * times slower than comparing typed-array slots inline. Rows start in the order of the previous
 * ordering (each lead's hint), so when little changed between two calls the merge sort only
 * checks runs. What the keys mean is the policy's business (orderQueue in ../priority.ts).
 *
 *   const keys = sortKeys(leads.length);
 *   keys.k1[i] = ...; keys.k2[i] = ...; keys.received[i] = ...; keys.section[i] = ...;
 *   keys.hint[i] = prepared.hint;
 *   const ordered = sortRows(rows);
 */

/** Each row's keys, by the row's index in the array given to sortRows. */
export interface SortKeys {
  /** Compared first, then k2, then received, then the lead's id: a total order. */
  readonly k1: Float64Array;
  readonly k2: Float64Array;
  readonly received: Float64Array;
  /** The row's section number (policy.ts). */
  readonly section: Uint8Array;
  /** The row's rank in the previous ordering, 0 when new: where the sort starts from. */
  readonly hint: Int32Array;
}

// Scratch space for the sort, reused across calls: an ordering runs to completion before any
// other call can start (JS is single-threaded and an ordering never yields).
let K1 = new Float64Array(0);
let K2 = new Float64Array(0);
let RECEIVED = new Float64Array(0);
let SECTION = new Uint8Array(0);
let HINT = new Int32Array(0);
let ORDER = new Int32Array(0);
let SCRATCH = new Int32Array(0);

let keys: SortKeys = { k1: K1, k2: K2, received: RECEIVED, section: SECTION, hint: HINT };

/** The key arrays, with room for `n` rows (valid until the next call). */
export function sortKeys(n: number): SortKeys {
  if (K1.length >= n) return keys;
  const size = Math.max(n, 1024, K1.length * 2);
  K1 = new Float64Array(size);
  K2 = new Float64Array(size);
  RECEIVED = new Float64Array(size);
  SECTION = new Uint8Array(size);
  HINT = new Int32Array(size);
  ORDER = new Int32Array(size);
  SCRATCH = new Int32Array(size);
  keys = { k1: K1, k2: K2, received: RECEIVED, section: SECTION, hint: HINT };
  return keys;
}

/**
 * `rows` in queue order, by the keys sortKeys gave room for (row i's at index i); sets each
 * row's rank and its lead's hint for the next ordering.
 */
export function sortRows(rows: Row[]): Row[] {
  const n = rows.length;
  // 1. By hint (0 = not seen before: after the others, in input order), by counting.
  let maxHint = 0;
  for (let i = 0; i < n; i++) maxHint = Math.max(maxHint, HINT[i] ?? 0);
  const counts = new Int32Array(maxHint + 2);
  for (let i = 0; i < n; i++) {
    const h = HINT[i] || maxHint + 1;
    counts[h] = (counts[h] ?? 0) + 1;
  }
  for (let h = 1, at = 0; h < counts.length; h++) {
    const c = counts[h] ?? 0;
    counts[h] = at;
    at += c;
  }
  for (let i = 0; i < n; i++) {
    const h = HINT[i] || maxHint + 1;
    const at = counts[h] ?? 0;
    SCRATCH[at] = i;
    counts[h] = at + 1;
  }
  // 2. Into sections, keeping that order.
  const starts = new Int32Array(SECTION_COUNT + 1);
  for (let i = 0; i < n; i++) {
    const sec = (SECTION[i] ?? 0) + 1;
    starts[sec] = (starts[sec] ?? 0) + 1;
  }
  for (let sec = 1; sec <= SECTION_COUNT; sec++) {
    starts[sec] = (starts[sec] ?? 0) + (starts[sec - 1] ?? 0);
  }
  const fill = starts.slice(0, SECTION_COUNT);
  for (let r = 0; r < n; r++) {
    const i = SCRATCH[r] ?? 0;
    const sec = SECTION[i] ?? 0;
    const at = fill[sec] ?? 0;
    ORDER[at] = i;
    fill[sec] = at + 1;
  }
  // 3. Each section by its keys.
  for (let sec = 0; sec < SECTION_COUNT; sec++) {
    mergeSort(rows, starts[sec] ?? 0, starts[sec + 1] ?? 0);
  }
  // Ranks are written in input order (the order the rows sit in memory), not in rank order.
  const ordered = new Array<Row>(n);
  for (let r = 0; r < n; r++) {
    const i = ORDER[r] ?? 0;
    HINT[i] = r + 1;
    ordered[r] = rows[i] as Row; // ORDER holds a permutation of 0..n-1
  }
  for (let i = 0; i < n; i++) {
    const row = rows[i] as Row;
    const rank = HINT[i] ?? 0;
    row.rank = rank;
    row.prepared.hint = rank;
  }
  return ordered;
}

/** Whether row a goes before row b of the same section: keys, then receivedAt, then id. */
function before(rows: readonly Row[], a: number, b: number): boolean {
  const k1 = (K1[a] ?? 0) - (K1[b] ?? 0);
  if (k1 !== 0) return k1 < 0;
  const k2 = (K2[a] ?? 0) - (K2[b] ?? 0);
  if (k2 !== 0) return k2 < 0;
  const received = (RECEIVED[a] ?? 0) - (RECEIVED[b] ?? 0);
  if (received !== 0) return received < 0;
  return (rows[a] as Row).prepared.lead.id < (rows[b] as Row).prepared.lead.id;
}

/** Stable merge sort of ORDER[lo, hi). */
function mergeSort(rows: readonly Row[], lo: number, hi: number): void {
  if (hi - lo <= 12) {
    for (let i = lo + 1; i < hi; i++) {
      const v = ORDER[i] ?? 0;
      let j = i - 1;
      while (j >= lo && before(rows, v, ORDER[j] ?? 0)) {
        ORDER[j + 1] = ORDER[j] ?? 0;
        j--;
      }
      ORDER[j + 1] = v;
    }
    return;
  }
  const mid = (lo + hi) >>> 1;
  mergeSort(rows, lo, mid);
  mergeSort(rows, mid, hi);
  if (!before(rows, ORDER[mid] ?? 0, ORDER[mid - 1] ?? 0)) return; // already in order
  for (let i = lo; i < mid; i++) SCRATCH[i] = ORDER[i] ?? 0;
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const right = ORDER[j] ?? 0;
    const left = SCRATCH[i] ?? 0;
    if (before(rows, right, left)) {
      ORDER[k++] = right;
      j++;
    } else {
      ORDER[k++] = left;
      i++;
    }
  }
  while (i < mid) ORDER[k++] = SCRATCH[i++] ?? 0;
}
