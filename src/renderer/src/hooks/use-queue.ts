import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppQueueItem, AppResults, QueueCounts } from '../../../shared/app-api';
import { call, errorText, onAppEvent } from '../lib/api';
import { ticker } from '../lib/ticker';

/*
 * The queue as the app orders it. Fetched once, then again (coalesced) whenever the app says
 * something changed, and every 30 s because a queue's order moves with time (leads age, retries
 * fall due). Between fetches nothing re-renders: the timers tick on their own (lib/ticker.ts).
 */

const REFRESH_EVENTS: ReadonlySet<string> = new Set([
  'queue.changed',
  'synced',
  'lead.assigned',
  'lead.revoked',
  'outcome.acked',
  'rejected',
]);
const REORDER_MS = 30_000;

export interface QueueState {
  readonly items: readonly AppQueueItem[];
  readonly counts: QueueCounts;
  readonly loaded: boolean;
  readonly error: string | null;
  /** How many times the queue was fetched (the benchmark and tests wait on it). */
  readonly version: number;
}

export function useQueue(): QueueState & { refresh: () => void } {
  const [state, setState] = useState<QueueState>({
    items: [],
    counts: { total: 0, untouched: 0 },
    loaded: false,
    error: null,
    version: 0,
  });
  const inFlight = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    call('queue.get', {})
      .then((queue: AppResults['queue.get']) => {
        ticker.syncTo(queue.at);
        setState((s) => ({
          items: queue.items,
          counts: queue.counts,
          loaded: true,
          error: null,
          version: s.version + 1,
        }));
      })
      .catch((error: unknown) => setState((s) => ({ ...s, loaded: true, error: errorText(error) })))
      .finally(() => {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          refresh();
        }
      });
  }, []);

  useEffect(() => {
    refresh();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = onAppEvent((event) => {
      if (!REFRESH_EVENTS.has(event.type)) return;
      // A sync burst is many events: one fetch for all of them.
      pending ??= setTimeout(() => {
        pending = null;
        refresh();
      }, 16);
    });
    const timer = setInterval(refresh, REORDER_MS);
    return () => {
      off();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [refresh]);

  return { ...state, refresh };
}
