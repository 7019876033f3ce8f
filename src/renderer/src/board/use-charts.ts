import { useEffect, useRef, useState } from 'react';
import type { BoardCharts } from '../../../shared/board-charts';
import { errorText } from '../lib/api';

/** Charts are read again at least this often (today's hour moves on even when nothing else does). */
export const CHARTS_REFRESH_MS = 60_000;
/** A burst of first touches is one read, this long after the last. */
const TRIGGER_DEBOUNCE_MS = 1_000;

/**
 * A team's charts: read when the board opens, every minute, and soon after `trigger` changes
 * (the figures the charts are made of: the team's first touches and breaches). `load` is the
 * app's `board.charts` or the wallboard's own fetch.
 */
export function useCharts(
  load: (teamId: string) => Promise<BoardCharts>,
  teamId: string | null,
  trigger: string,
): { readonly charts: BoardCharts | null; readonly error: string | null } {
  const [charts, setCharts] = useState<BoardCharts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setCharts(null);
    setError(null);
  }, [teamId]);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), CHARTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const first = useRef(true);
  useEffect(() => {
    if (teamId === null) return;
    let live = true;
    const wait = first.current ? 0 : TRIGGER_DEBOUNCE_MS;
    first.current = false;
    const timer = setTimeout(() => {
      loadRef
        .current(teamId)
        .then((next) => {
          if (!live) return;
          setCharts(next);
          setError(null);
        })
        .catch((e: unknown) => {
          if (live) setError(errorText(e));
        });
    }, wait);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [teamId, trigger, tick]);

  return { charts, error };
}
