import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppQueueItem, AppResults, QueueCounts } from '../../../shared/app-api';
import { call, errorText, onAppEvent } from '../lib/api';
import { ticker } from '../lib/ticker';

/*
 * The queue as the app orders it, one window at a time: the page holds WINDOW rows around what
 * is on screen (plus the selected lead's row, wherever it is), never all 5,000. Fetched again
 * (coalesced) when the app says the queue changed, when the rep scrolls near the window's edge,
 * and every 30 s because the order moves with time. Between fetches nothing re-renders: the
 * timers tick on their own (lib/ticker.ts).
 */

const REFRESH_EVENTS: ReadonlySet<string> = new Set([
  'queue.changed',
  'lead.assigned',
  'lead.revoked',
]);
const REORDER_MS = 30_000;
/** Rows held around the screen. */
export const WINDOW = 160;
/** Scrolling this close to the window's edge fetches the next one. */
const MARGIN = 30;

export interface QueueState {
  /** Rows `offset` .. `offset + items.length - 1`. */
  readonly items: readonly AppQueueItem[];
  readonly offset: number;
  readonly total: number;
  readonly counts: QueueCounts;
  /** The lead the request asked about, where it is now and its row (null: not in the queue). */
  readonly selectedFor: string | null;
  readonly selected: AppResults['queue.get']['selected'];
  readonly loaded: boolean;
  readonly error: string | null;
  /** How many answers arrived (effects that follow the queue depend on it). */
  readonly version: number;
}

const EMPTY: QueueState = {
  items: [],
  offset: 0,
  total: 0,
  counts: { total: 0, untouched: 0 },
  selectedFor: null,
  selected: null,
  loaded: false,
  error: null,
  version: 0,
};

export interface QueueControls {
  /** Fetch the current window again (the app's order may have moved). */
  readonly refresh: () => void;
  /** The list shows rows first..last: fetch another window when they near this one's edge. */
  readonly showing: (first: number, last: number) => void;
}

/** The row at `index` of the whole queue, if this window holds it. */
export function itemAt(state: QueueState, index: number): AppQueueItem | undefined {
  return index >= state.offset ? state.items[index - state.offset] : undefined;
}

export function useQueue(selectedId: {
  readonly current: string | null;
}): [QueueState, QueueControls] {
  const [state, setState] = useState<QueueState>(EMPTY);
  const stateRef = useRef(state);
  stateRef.current = state;
  const wantOffset = useRef(0);
  const inFlight = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const asked = selectedId.current;
    call('queue.get', {
      offset: wantOffset.current,
      limit: WINDOW,
      ...(asked !== null && { selectedId: asked }),
    })
      .then((queue) => {
        ticker.syncTo(queue.at);
        // The queue got shorter than where the window was: come back into it.
        if (queue.items.length === 0 && queue.total > 0 && queue.offset > 0) {
          wantOffset.current = Math.max(0, queue.total - WINDOW);
          again.current = true;
        }
        setState((s) => ({
          items: queue.items,
          offset: queue.offset,
          total: queue.total,
          counts: queue.counts,
          selectedFor: asked,
          selected: queue.selected,
          loaded: true,
          error: null,
          version: s.version + 1,
        }));
      })
      .catch((error: unknown) =>
        setState((s) => ({ ...s, loaded: true, error: errorText(error), version: s.version + 1 })),
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current) {
          again.current = false;
          refresh();
        }
      });
  }, [selectedId]);

  const showing = useCallback(
    (first: number, last: number) => {
      const s = stateRef.current;
      const end = s.offset + s.items.length;
      const lowOk = first >= s.offset + MARGIN || s.offset === 0;
      const highOk = last < end - MARGIN || end >= s.total;
      if (lowOk && highOk) return;
      const next = Math.max(0, Math.floor((first + last) / 2) - WINDOW / 2);
      if (next === wantOffset.current && !inFlight.current && s.offset === next) return;
      wantOffset.current = next;
      refresh();
    },
    [refresh],
  );

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

  const [controls] = useState<QueueControls>(() => ({ refresh, showing }));
  return [state, controls];
}
