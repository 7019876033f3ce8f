/*
 * A list kept in order by a total order on its items (ties broken by the caller's comparator,
 * e.g. by lead id, so no two items compare equal): the oldest untouched lead is `first()`, the
 * at-risk list is `head(10)`.
 *
 * Binary search finds an item's place in O(log n) comparisons; `splice` then shifts the array
 * (a memmove). Here n is a rep's untouched leads (tens) or a team's (hundreds to a few
 * thousand), where the shift costs well under a microsecond: cheaper than a balanced tree's
 * allocations, and it reads the first k items straight off the array.
 *
 *   const byAge = new SortedList<Lead>((a, b) => a.receivedAt - b.receivedAt || cmp(a.id, b.id));
 *   const at = byAge.insert(lead); // its index: at < 10 means the top 10 changed
 */
export class SortedList<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  /** Inserts `item` and returns the index it landed at. */
  insert(item: T): number {
    const at = this.lowerBound(item);
    this.items.splice(at, 0, item);
    return at;
  }

  /** Removes the item comparing equal to `item`; returns its index, or -1 when absent. */
  remove(item: T): number {
    const at = this.lowerBound(item);
    const found = this.items[at];
    if (found === undefined || this.compare(found, item) !== 0) return -1;
    this.items.splice(at, 1);
    return at;
  }

  first(): T | undefined {
    return this.items[0];
  }

  /** The first `count` items, in order (a copy). */
  head(count: number): T[] {
    return this.items.slice(0, count);
  }

  clear(): void {
    this.items.length = 0;
  }

  private lowerBound(item: T): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.items[mid] as T, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Code-unit order of ids (not locale order): fast, total, the same everywhere. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
