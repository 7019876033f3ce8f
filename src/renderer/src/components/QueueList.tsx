import { type JSX, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import { QueueRow, ROW_HEIGHT } from './QueueRow';

/** Rows rendered above and below the visible ones, so a fast scroll shows no blank band. */
const OVERSCAN = 6;

interface Props {
  readonly items: readonly AppQueueItem[];
  readonly selectedIndex: number;
  readonly onPick: (index: number) => void;
  readonly onOpen: (index: number) => void;
}

/**
 * The queue, virtualised: a spacer as tall as every row, and only the rows in view (plus a few)
 * in the DOM. Moving the selection re-renders two rows (memo), not the list.
 */
export function QueueList({ items, selectedIndex, onPick, onOpen }: Props): JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(800);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view (before paint, so the highlight never lands off screen).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
    if (el.scrollTop !== scrollTop) setScrollTop(el.scrollTop);
  }, [selectedIndex, scrollTop]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i];
    if (!item) continue;
    rows.push(
      <QueueRow
        key={item.lead.id}
        item={item}
        index={i}
        selected={i === selectedIndex}
        sectionStart={i === 0 || items[i - 1]?.row.section !== item.row.section}
        onPick={onPick}
        onOpen={onOpen}
      />,
    );
  }
  const selected = items[selectedIndex];

  return (
    <div
      className="queue"
      ref={scroller}
      role="listbox"
      aria-label="Your queue"
      aria-activedescendant={selected ? `lead-${selected.lead.id}` : undefined}
      tabIndex={-1}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="queue__spacer" style={{ height: items.length * ROW_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}
