/**
 * Fixed-window counters for failed logins, per account and per client address. In memory: a
 * restart resets them, which is acceptable for throttling guesses (the KDF makes each guess slow
 * anyway); a multi-instance deployment would move the counters to a shared store.
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

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const now = this.clock();
    if (now >= w.resetAt) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.rule.max ? Math.ceil((w.resetAt - now) / 1000) : 0;
  }

  recordFailure(key: string): void {
    const now = this.clock();
    const w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      this.windows.set(key, { count: 1, resetAt: now + this.rule.windowSeconds * 1000 });
      this.prune(now);
      return;
    }
    w.count += 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Bounds memory under a spray of addresses or emails. */
  private prune(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, w] of this.windows) if (now >= w.resetAt) this.windows.delete(key);
  }
}
