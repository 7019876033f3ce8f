/**
 * Retries `check` until it passes, and resolves with what it returned: the one way tests wait
 * for a state another process or socket reaches in its own time. A check passes when it
 * neither throws nor returns `false`, so both styles work:
 *
 *   await eventually(async () => (await core.getStatus()).pending === 0);
 *   const board = await eventually(() => { const b = boardOf(c); expect(b.x).toBe(1); return b; });
 *
 * The timeout only turns a hang into a readable failure (the last assertion's message, or
 * `what`); it measures nothing. Where the awaited thing is an event someone emits, wait for the
 * event itself instead (EventLog.next, LiveClient.next).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  options: { readonly timeout?: number; readonly interval?: number; readonly what?: string } = {},
): Promise<Exclude<T, false>> {
  const { timeout = 10_000, interval = 20, what = 'a condition' } = options;
  const deadline = performance.now() + timeout;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
    } catch (error) {
      failure = error;
    }
    if (performance.now() > deadline) {
      // The last assertion's own message says best what was still wrong.
      if (failure instanceof Error) throw failure;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}`, { cause: failure });
    }
    // A poll, not a wait for time: the next check runs as soon as this turn yields.
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
