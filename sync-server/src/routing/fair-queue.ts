/**
 * Weighted round robin as start-time fair queuing, the part of routing that is pure arithmetic.
 *
 * Each rep has a `pass`: the virtual time at which their next lead is due. Picking the rep with
 * the smallest start tag max(pass, teamClock) and advancing their pass by 1/weight gives each rep
 * a share proportional to their weight. Clamping to the team clock is what keeps fairness honest
 * across change: a new rep, or one back from being offline, starts at "now" instead of far behind,
 * so they are not flooded with every lead they missed, and nobody's history is reset.
 */
export interface Candidate {
  readonly userId: string;
  readonly weight: number;
  /** Null for a rep the ledger has never seen. */
  readonly pass: number | null;
}

export interface Pick {
  readonly userId: string;
  /** The rep's pass after this lead. */
  readonly nextPass: number;
  /** The team clock after this lead. */
  readonly clock: number;
}

export function pickNext(candidates: readonly Candidate[], clock: number): Pick | null {
  let best: { userId: string; start: number; finish: number } | null = null;
  for (const c of candidates) {
    const start = Math.max(c.pass ?? clock, clock);
    const finish = start + 1 / c.weight;
    if (
      !best ||
      start < best.start ||
      (start === best.start &&
        (finish < best.finish || (finish === best.finish && c.userId < best.userId)))
    ) {
      best = { userId: c.userId, start, finish };
    }
  }
  return best && { userId: best.userId, nextPass: best.finish, clock: best.start };
}

/**
 * The pass a rep gets back when they return from an away period: level with the team, so they
 * take a normal share from the next lead on, never a run of catch-up leads for the time they were
 * away. `others` are the passes of the team's reps who kept receiving leads meanwhile (absent
 * ledger entries left out). The rep keeps a pass that is already ahead (nobody's history resets),
 * and nobody is put below the team clock.
 *
 *   levelOnReturn(1, 12, [14, 13.5]) // 13.5: next in line with the slowest teammate
 */
export function levelOnReturn(
  own: number | null,
  clock: number,
  others: readonly number[],
): number {
  const teamLevel = others.length === 0 ? clock : Math.max(clock, Math.min(...others));
  return Math.max(own ?? teamLevel, teamLevel);
}
