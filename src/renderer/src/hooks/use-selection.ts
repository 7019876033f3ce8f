import { type Dispatch, type SetStateAction, useEffect, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import { itemAt, type QueueState } from './use-queue';

/*
 * The inbox's highlighted lead: its place in the whole queue, whether it is open, and a lead
 * picked from search that is not in the queue (won, closed), which stays up until a move. It
 * follows the queue: the selected lead where it moved to; if it left, the row in its place.
 *
 *   const selectedId = useRef<string | null>(null);
 *   const [queue] = useQueue(selectedId);
 *   const [selection, select] = useSelection(queue, selectedId);
 *   select.focus(leadId); // highlighted and opened, wherever it is
 */

/** The highlighted row: its place in the whole queue, and its lead once the window holds it. */
export interface Selection {
  readonly id: string | null;
  readonly index: number;
}

export interface SelectionState {
  readonly sel: Selection;
  /** A lead picked from search (maybe not in the queue): stays highlighted until a move. */
  readonly pinned: string | null;
  /** The lead is open (Enter): its pane is marked, and on a narrow window it takes the screen. */
  readonly opened: boolean;
  /** The selected lead's row: from the window, or the one the queue's answer carried for it. */
  readonly item: AppQueueItem | null;
}

/** Created once: safe in effects and memoised callbacks. */
export interface SelectionControls {
  readonly setSel: Dispatch<SetStateAction<Selection>>;
  readonly setPinned: Dispatch<SetStateAction<string | null>>;
  readonly setOpened: Dispatch<SetStateAction<boolean>>;
  /** Highlights and opens `leadId` (wherever it is), keeping the place in the queue. */
  readonly focus: (leadId: string) => void;
}

/** `selectedId` is kept at the selected lead's id, for useQueue to ask about it. */
export function useSelection(
  queue: QueueState,
  selectedId: { current: string | null },
): [SelectionState, SelectionControls] {
  const [sel, setSel] = useState<Selection>({ id: null, index: 0 });
  selectedId.current = sel.id;
  const [pinned, setPinned] = useState<string | null>(null);
  const [opened, setOpened] = useState(false);
  const [controls] = useState<SelectionControls>(() => ({
    setSel,
    setPinned,
    setOpened,
    focus: (leadId) => {
      setSel((cur) => (cur.id === leadId ? cur : { id: leadId, index: cur.index }));
      setOpened(true);
    },
  }));

  useEffect(() => {
    if (!queue.loaded) return;
    setSel((cur) => reconcile(cur, queue, pinned));
  }, [queue, pinned]);

  return [{ sel, pinned, opened, item: selectedItemOf(queue, sel) }, controls];
}

/**
 * The selection after a queue answer: the same lead where it is now; if it left the queue, the
 * row that took its place; a lead pinned from search stays.
 */
function reconcile(cur: Selection, queue: QueueState, pinned: string | null): Selection {
  if (queue.total === 0) return cur.id === pinned && pinned !== null ? cur : { id: null, index: 0 };
  if (cur.id !== null && cur.id === pinned) return cur;
  if (cur.id !== null) {
    const at = queue.items.findIndex((i) => i.lead.id === cur.id);
    if (at >= 0) return same(cur, { id: cur.id, index: queue.offset + at });
    if (queue.selectedFor === cur.id) {
      if (queue.selected) return same(cur, { id: cur.id, index: queue.selected.index });
      // It left the queue (an outcome closed it, it was reassigned).
      const index = Math.min(cur.index, queue.total - 1);
      return { id: itemAt(queue, index)?.lead.id ?? null, index };
    }
    return cur; // asked about another lead; the next answer tells about this one
  }
  const index = Math.min(cur.index, queue.total - 1);
  return same(cur, { id: itemAt(queue, index)?.lead.id ?? null, index });
}

/** Keeps the old object when nothing changed, so React skips the re-render. */
function same(a: Selection, b: Selection): Selection {
  return a.id === b.id && a.index === b.index ? a : b;
}

function selectedItemOf(queue: QueueState, sel: Selection): AppQueueItem | null {
  if (sel.id === null) return null;
  const inWindow = itemAt(queue, sel.index);
  if (inWindow?.lead.id === sel.id) return inWindow;
  if (queue.selected?.item.lead.id === sel.id) return queue.selected.item;
  return queue.items.find((i) => i.lead.id === sel.id) ?? null;
}
