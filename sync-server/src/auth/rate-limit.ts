/**
 * Fixed-window counters of sign-in attempts, per key. In memory: a restart resets them, which is
 * acceptable for throttling guesses (the KDF makes each guess slow anyway); a multi-instance
 * deployment would move the counters to a shared store.
 *
 * An attempt is counted when it starts, before the KDF runs (`reserve`), and given back when it
 * succeeds (`release`): counting only after the hash would let every guess of a parallel burst
 * pass the check before the first one is counted.
 *
 *   const wait = limiter.reserve(key);   // 0: go ahead (the attempt is counted); else seconds
 *   if (ok) limiter.release(key);
 */
export interface RateLimitRule {
  readonly max: number;
  readonly windowSeconds: number;
}

interface Window {
  count: number;
  resetAt: number;
}

export class FailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Attempts counted for `key` in its current window. */
  count(key: string): number {
    return this.current(key, this.clock())?.count ?? 0;
  }

  /** True when `key` has used up the rule's `max` in its current window. */
  exhausted(key: string): boolean {
    return this.count(key) >= this.rule.max;
  }

  /**
   * Counts one attempt for `key` when fewer than `max` (the rule's unless given) are counted, and
   * returns 0; otherwise counts nothing and returns the seconds until the window ends.
   */
  reserve(key: string, max = this.rule.max): number {
    const now = this.clock();
    const w = this.current(key, now);
    if (!w) {
      this.windows.set(key, { count: 1, resetAt: now + this.rule.windowSeconds * 1000 });
      this.prune(now);
      return 0;
    }
    if (w.count >= max) return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    w.count += 1;
    return 0;
  }

  /** Counts one attempt whatever the count (for a counter that only informs, never refuses). */
  record(key: string): void {
    this.reserve(key, Number.POSITIVE_INFINITY);
  }

  /** Gives back one attempt counted by `reserve` or `record` (it succeeded). */
  release(key: string): void {
    const w = this.current(key, this.clock());
    if (!w) return;
    w.count -= 1;
    if (w.count <= 0) this.windows.delete(key);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    if (w && now >= w.resetAt) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  /** Bounds memory under a spray of addresses or emails. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, w] of this.windows) if (now >= w.resetAt) this.windows.delete(key);
  }
}
