/*
 * Exact percentiles of one day's samples (speed-to-lead), kept sorted as they arrive.
 *
 * Why a sorted array and not a tree or a sketch: a team's first touches in a day number in the
 * hundreds to low thousands. Finding the place is a binary search (O(log n) comparisons); making
 * room is one `copyWithin` over a Float64Array, a memmove of at most n * 8 bytes (8 KB at
 * n = 1,000: tens of nanoseconds), cheaper in practice than a balanced tree's allocation and
 * pointer chasing at this size. A read is one index: O(1). Samples are never removed, only all
 * cleared when the day rolls over. Sketches (t-digest, HDR) would be approximate; the board
 * promises exact figures.
 *
 *   const s = new OrderStatistics();
 *   s.insert(120_000); s.insert(30_000); s.insert(60_000);
 *   s.percentile(50); // 60_000 (rank ceil(0.5 * 3) = 2)
 */
export class OrderStatistics {
  private values = new Float64Array(64);
  private n = 0;

  get size(): number {
    return this.n;
  }

  insert(value: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    // Upper bound: equal values keep arrival order (it does not matter for the figures).
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.values[mid] ?? 0) <= value) lo = mid + 1;
      else hi = mid;
    }
    this.values.copyWithin(lo + 1, lo, this.n);
    this.values[lo] = value;
    this.n += 1;
  }

  /**
   * The nearest-rank percentile: the value at rank ceil(p / 100 * n) (1-based) of the samples in
   * ascending order, so always a sample that occurred (the median of an even count is the lower
   * middle one). Null with no samples. `p` is a whole percent, 1..100.
   */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    // p * n is a whole number, so the division is exact when it should be: no 27.000000004.
    const rank = Math.min(this.n, Math.max(1, Math.ceil((p * this.n) / 100)));
    return this.values[rank - 1] ?? null;
  }

  clear(): void {
    this.n = 0;
  }

  /** The samples in ascending order (tests). */
  toArray(): number[] {
    return Array.from(this.values.subarray(0, this.n));
  }
}
