import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';

/**
 * Where each row of a long list sits, computed instead of measured: the directory's rows
 * have fixed heights, so a row's offset is arithmetic and a list of 12,000 rows costs
 * nothing to lay out when a keystroke changes it (a measuring virtualizer walks every row).
 */
export interface RowLayout {
  readonly count: number;
  readonly totalSize: number;
  offsetOf(index: number): number;
  sizeOf(index: number): number;
  /** The row covering an offset (clamped into the rows). */
  indexAt(offset: number): number;
}

/**
 * Rows of `size` px, except the first `head.length` rows whose sizes are given (a handful of
 * section titles and shortcuts above the accounts).
 */
export const rowLayout = (count: number, head: readonly number[], size: number): RowLayout => {
  const headEnds: number[] = [];
  let end = 0;
  for (const each of head.slice(0, count)) headEnds.push((end += each));
  const headCount = headEnds.length;
  const offsetOf = (index: number): number =>
    index < headCount ? (index === 0 ? 0 : (headEnds[index - 1] as number)) : end + (index - headCount) * size;
  return {
    count,
    totalSize: end + Math.max(0, count - headCount) * size,
    offsetOf,
    sizeOf: (index) => (index < headCount ? (head[index] as number) : size),
    indexAt: (offset) => {
      if (count === 0) return 0;
      if (offset < end)
        return Math.max(
          0,
          headEnds.findIndex((headEnd) => headEnd > offset),
        );
      return Math.min(count - 1, headCount + Math.floor((offset - end) / size));
    },
  };
};

export interface WindowItem {
  readonly index: number;
  readonly start: number;
  readonly size: number;
}

export interface RowWindow {
  /** The rows in view, plus `overscan` either side. */
  readonly items: readonly WindowItem[];
  /** Scrolls just enough to show a row (nothing when it is in view): no layout read. */
  scrollToIndex(index: number): void;
}

/**
 * The rows of `layout` inside the scroll element's viewport. The scroll offset comes from
 * scroll events and the height from a ResizeObserver, so rendering a new list reads nothing
 * from the DOM (a read after React's writes would force a layout on every keystroke).
 */
export const useRowWindow = (scrollRef: RefObject<HTMLElement | null>, layout: RowLayout, overscan: number): RowWindow => {
  const [view, setView] = useState({ top: 0, height: 0 });
  const current = useRef(view);
  current.current = view;

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const update = () => {
      const next = { top: element.scrollTop, height: element.clientHeight };
      if (next.top !== current.current.top || next.height !== current.current.height) setView(next);
    };
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(update);
    observer?.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer?.disconnect();
    };
  }, [scrollRef]);

  const items: WindowItem[] = [];
  if (layout.count > 0) {
    // The offset may be past the end for a moment after the list shrank (until the browser's
    // scroll event): show the last rows then, never none.
    const top = Math.min(view.top, Math.max(0, layout.totalSize - view.height));
    const first = Math.max(0, layout.indexAt(top) - overscan);
    const last = Math.min(layout.count - 1, layout.indexAt(top + view.height) + overscan);
    for (let index = first; index <= last; index += 1) items.push({ index, start: layout.offsetOf(index), size: layout.sizeOf(index) });
  }

  const scrollToIndex = useCallback(
    (index: number) => {
      const element = scrollRef.current;
      if (!element || index < 0 || index >= layout.count) return;
      const { top, height } = current.current;
      const start = layout.offsetOf(index);
      const end = start + layout.sizeOf(index);
      if (start < top) element.scrollTop = start;
      else if (end > top + height) element.scrollTop = end - height;
    },
    [layout, scrollRef],
  );

  return { items, scrollToIndex };
};
