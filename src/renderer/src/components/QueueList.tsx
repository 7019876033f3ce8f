import { type JSX, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import { afterNextPaint } from '../lib/after-paint';
import { QueueRow, ROW_HEIGHT } from './QueueRow';

/** Rows rendered above and below the visible ones, so a fast scroll shows no blank band. */
const OVERSCAN = 6;

interface Props {
  /** The window of the queue the page holds: rows offset .. offset + items.length - 1. */
  readonly items: readonly AppQueueItem[];
  readonly offset: number;
  /** The app's clock when it ordered the window (epoch ms). */
  readonly at: number;
  /** Rows in the whole queue (the scroll height). */
  readonly total: number;
  readonly selectedIndex: number;
  /** Stable callbacks (the rows are memoised on them). */
  readonly onPick: (index: number) => void;
  readonly onOpen: (index: number) => void;
  readonly onShowing: (first: number, last: number) => void;
}

/** Rows `first` .. `last - 1` of the whole queue. */
interface Range {
  readonly first: number;
  readonly last: number;
}

/**
 * The queue, virtualised: a spacer as tall as every row, and only the rows in view (plus a few)
 * in the DOM; rows the window does not hold yet show as placeholders until it arrives. Moving
 * the selection re-renders two rows (memo), not the list. Layout is never read back after a
 * write: the height comes from a ResizeObserver, the scroll position from scroll events.
 *
 * Which rows are in the DOM follows the scroll position a frame late: while the rows in view
 * are all rendered already (OVERSCAN of them around it), a key press that scrolls by a row only
 * moves the scroll position (on the compositor: the list is opaque, styles.css) and two rows'
 * class; the row coming into the overscan is mounted after that frame is painted. Only a jump
 * past the rendered rows mounts them in the same frame.
 */
export function QueueList(props: Props): JSX.Element {
  const { items, offset, at, total, selectedIndex, onShowing } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const scrollTop = useRef(0);
  const [height, setHeight] = useState(800);
  // The first render holds only the rows in view (half the work of the first frame); the
  // overscan follows once that frame is painted (follow, on mount).
  const [range, setRange] = useState<Range>(() => visible(0, 800));
  const rangeRef = useRef(range);
  rangeRef.current = range;
  /** Cancels the re-centring of the rendered rows scheduled after the last frame, if any. */
  const recenter = useRef<(() => void) | null>(null);

  /** The scroll position moved (or the height): the rendered rows follow, now or after paint. */
  const follow = useCallback((top: number, viewHeight: number) => {
    scrollTop.current = top;
    const want = around(top, viewHeight);
    const have = rangeRef.current;
    const inView = visible(top, viewHeight);
    recenter.current?.();
    recenter.current = null;
    if (inView.first < have.first || inView.last > have.last) {
      setRange(want);
      return;
    }
    if (want.first === have.first && want.last === have.last) return;
    recenter.current = afterNextPaint(() => {
      recenter.current = null;
      setRange((cur) => (cur.first === want.first && cur.last === want.last ? cur : want));
    });
  }, []);
  useEffect(() => () => recenter.current?.(), []);

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

  useEffect(() => follow(scrollTop.current, height), [height, follow]);

  // Keep the selected row in view, before paint, so the highlight never lands off screen.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    const current = scrollTop.current;
    let next = current;
    if (top < current) next = top;
    else if (top + ROW_HEIGHT > current + height) next = top + ROW_HEIGHT - height;
    if (next !== current) {
      el.scrollTop = next;
      follow(next, height);
    }
  }, [selectedIndex, height, follow]);

  const first = Math.min(range.first, total);
  const last = Math.min(range.last, total);

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
        at={at}
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
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        // Our own scroll (keeping the selection in view) was followed already.
        if (top !== scrollTop.current) follow(top, height);
      }}
    >
      <div className="queue__spacer" style={{ height: total * ROW_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}

/** The rows in view at `top`. */
function visible(top: number, height: number): Range {
  return {
    first: Math.max(0, Math.floor(top / ROW_HEIGHT)),
    last: Math.ceil((top + height) / ROW_HEIGHT),
  };
}

/** The rows to render at `top`: those in view and OVERSCAN more on each side. */
function around(top: number, height: number): Range {
  const v = visible(top, height);
  return { first: Math.max(0, v.first - OVERSCAN), last: v.last + OVERSCAN };
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
