import { type JSX, memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import { QueueRow, ROW_HEIGHT } from './QueueRow';

/** Rows rendered above and below the visible ones, so a fast scroll shows no blank band. */
const OVERSCAN = 6;

interface Props {
  /** The window of the queue the page holds: rows offset .. offset + items.length - 1. */
  readonly items: readonly AppQueueItem[];
  readonly offset: number;
  /** Rows in the whole queue (the scroll height). */
  readonly total: number;
  readonly selectedIndex: number;
  /** Stable callbacks (the rows are memoised on them). */
  readonly onPick: (index: number) => void;
  readonly onOpen: (index: number) => void;
  readonly onShowing: (first: number, last: number) => void;
}

/**
 * The queue, virtualised: a spacer as tall as every row, and only the rows in view (plus a few)
 * in the DOM; rows the window does not hold yet show as placeholders until it arrives. Moving
 * the selection re-renders two rows (memo), not the list. Layout is never read back after a
 * write: the height comes from a ResizeObserver, the scroll position from scroll events.
 */
export function QueueList(props: Props): JSX.Element {
  const { items, offset, total, selectedIndex, onShowing } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(800);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) setHeight(box.height);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view, before paint, so the highlight never lands off screen.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    let next = scrollTop;
    if (top < scrollTop) next = top;
    else if (top + ROW_HEIGHT > scrollTop + height) next = top + ROW_HEIGHT - height;
    if (next !== scrollTop) {
      el.scrollTop = next;
      setScrollTop(next);
    }
  }, [selectedIndex, scrollTop, height]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (total > 0) onShowing(first, Math.max(first, last - 1));
  }, [first, last, total, onShowing]);

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const item = i >= offset ? items[i - offset] : undefined;
    if (!item) {
      rows.push(
        <PlaceholderRow key={`placeholder-${i}`} index={i} selected={i === selectedIndex} />,
      );
      continue;
    }
    const previous = i - 1 >= offset ? items[i - 1 - offset] : undefined;
    rows.push(
      <QueueRow
        key={item.lead.id}
        item={item}
        index={i}
        selected={i === selectedIndex}
        sectionStart={
          i === 0 || (previous !== undefined && previous.row.section !== item.row.section)
        }
        onPick={props.onPick}
        onOpen={props.onOpen}
      />,
    );
  }
  const selected = selectedIndex >= offset ? items[selectedIndex - offset] : undefined;

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
      <div className="queue__spacer" style={{ height: total * ROW_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}

/** A row the window has not brought yet (a fast scroll, a jump to the end). */
const PlaceholderRow = memo(function PlaceholderRow(props: {
  readonly index: number;
  readonly selected: boolean;
}): JSX.Element {
  return (
    <div
      className={`row row--placeholder${props.selected ? ' row--selected' : ''}`}
      aria-hidden="true"
      style={{ transform: `translateY(${props.index * ROW_HEIGHT}px)` }}
    >
      <span className="row__placeholder-bar" />
    </div>
  );
});
