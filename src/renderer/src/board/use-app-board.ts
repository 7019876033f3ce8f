import { useEffect, useState } from 'react';
import type { BoardPool } from '../../../shared/app-api';
import type { BoardLead, BoardState } from '../../../shared/board-view';
import { call, errorText, onAppEvent } from '../lib/api';

/**
 * The app's boards: asked once, then replaced by every `board.changed` (which carries the whole
 * state, at most every ~100 ms), so a delta reaches the screen without a request.
 */
export function useAppBoard(): {
  readonly state: BoardState | null;
  readonly error: string | null;
} {
  const [state, setState] = useState<BoardState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let changed = false;
    const off = onAppEvent((event) => {
      if (event.type !== 'board.changed') return;
      changed = true;
      setState(event.board);
    });
    call('board.get', {})
      .then((answer) => {
        // An event that came first is newer than this answer.
        if (live && !changed) setState(answer);
      })
      .catch((e: unknown) => {
        if (live) setError(errorText(e));
      });
    return () => {
      live = false;
      off();
    };
  }, []);
  return { state, error };
}

/** How often a pool is read again while nothing on the board says it moved. */
const POOL_REFRESH_MS = 30_000;

/**
 * A team's unassigned queue or nurture pool, read again when `trigger` changes (the board's
 * counts of it), after an action (`refresh`), and every 30 s.
 */
export function usePool(
  teamId: string | null,
  status: BoardPool,
  trigger: string,
): {
  readonly leads: readonly BoardLead[] | null;
  readonly error: string | null;
  readonly refresh: () => void;
} {
  const [leads, setLeads] = useState<readonly BoardLead[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [again, setAgain] = useState(0);
  useEffect(() => {
    setLeads(null);
  }, [teamId, status]);
  useEffect(() => {
    if (teamId === null) return;
    let live = true;
    const read = (): void => {
      call('board.pool', { teamId, status })
        .then((answer) => {
          if (!live) return;
          setLeads(answer.leads);
          setError(null);
        })
        .catch((e: unknown) => {
          if (live) setError(errorText(e));
        });
    };
    // Gathered: a burst of deltas moving the counts is one read.
    const timer = setTimeout(read, 150);
    const every = setInterval(read, POOL_REFRESH_MS);
    return () => {
      live = false;
      clearTimeout(timer);
      clearInterval(every);
    };
  }, [teamId, status, trigger, again]);
  return { leads, error, refresh: () => setAgain((n) => n + 1) };
}
