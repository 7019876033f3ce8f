import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppQueueItem, AppResults, QueueCounts } from '../../../shared/app-api';
import { call, errorText, onAppEvent } from '../lib/api';
import { QUEUE_WINDOW, type QueueAnswer, takeFirstWindow } from '../lib/prefetch';
import { ticker } from '../lib/ticker';

/*
 * The queue as the app orders it, one window at a time: the page holds WINDOW rows around what
 * is on screen (plus the selected lead's row, wherever it is), never all 5,000. Fetched again
 * (coalesced) when the app says the queue changed, when the rep scrolls near the window's edge,
 * and every 30 s because the order moves with time. Between fetches nothing re-renders: the
 * timers tick on their own (lib/ticker.ts). The first window is usually asked for before the
 * inbox mounts (lib/prefetch.ts): the inbox's first render then has its rows.
 */

const REFRESH_EVENTS: ReadonlySet<string> = new Set([
  'queue.changed',
  'lead.assigned',
  'lead.revoked',
]);
const REORDER_MS = 30_000;
/** Rows held around the screen. */
export const WINDOW = QUEUE_WINDOW;
/** Scrolling this close to the window's edge fetches the next one. */
const MARGIN = 30;

export interface QueueState {
  /** Rows `offset` .. `offset + items.length - 1`. */
  readonly items: readonly AppQueueItem[];
  readonly offset: number;
  readonly total: number;
  readonly counts: QueueCounts;
  /** The app's clock when it ordered this answer (epoch ms). */
  readonly at: number;
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
  at: 0,
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

/** The state after an answer (`version`: the one before it). */
function answered(queue: QueueAnswer, asked: string | null, version: number): QueueState {
  return {
    items: queue.items,
    offset: queue.offset,
    total: queue.total,
    counts: queue.counts,
    at: queue.at,
    selectedFor: asked,
    selected: queue.selected,
    loaded: true,
    error: null,
    version: version + 1,
  };
}

export function useQueue(selectedId: {
  readonly current: string | null;
}): [QueueState, QueueControls] {
  // Taken once (the first render of this inbox); answered already, it is the first state.
  const [early] = useState(takeFirstWindow);
  const [state, setState] = useState<QueueState>(() => {
    if (early?.result?.ok !== true) return EMPTY;
    ticker.syncTo(early.result.value.at);
    return answered(early.result.value, null, 0);
  });
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
        setState((s) => answered(queue, asked, s.version));
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
    let pending: ReturnType<typeof setTimeout> | null = null;
    let live = true;
    const off = onAppEvent((event) => {
      if (!REFRESH_EVENTS.has(event.type)) return;
      // A sync burst is many events: one fetch for all of them.
      pending ??= setTimeout(() => {
        pending = null;
        refresh();
      }, 16);
    });
    if (early === null) {
      refresh();
    } else {
      // Listening now: the early request's own watch can stop (it saw what came before).
      early.stop();
      early.promise.then(
        (queue) => {
          if (!live) return;
          ticker.syncTo(queue.at);
          // Already the first state, or a fetch of this hook's own answered first: kept.
          setState((s) => (s.version === 0 ? answered(queue, null, 0) : s));
          if (early.stale) refresh();
        },
        () => {
          if (live) refresh();
        },
      );
    }
    const timer = setInterval(refresh, REORDER_MS);
    return () => {
      live = false;
      off();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [refresh, early]);

  const [controls] = useState<QueueControls>(() => ({ refresh, showing }));
  return [state, controls];
}
