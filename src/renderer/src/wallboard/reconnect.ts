/*
 * How long the wallboard waits before opening its socket again: exponential backoff with full
 * jitter, as the app's sync does (src/main/client/backoff.ts, which the page does not import:
 * the renderer reaches only src/shared). A TV that lost the network comes back within 30 s of
 * it returning, and a floor of TVs after a server restart does not return in one wave.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 20));
  return Math.floor(random() * ceiling);
}
