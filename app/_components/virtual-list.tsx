'use client';
// A windowed list: only the rows in and near the viewport are in the DOM, however long the list. Rows have their
// own heights, measured after render; the reader's place is held by an anchor row, not by a pixel offset.
import { useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactElement, type Ref } from 'react';

/** The list's own padding above the first row (its CSS), in px: close enough for placing the window. */
const EDGE = 8;
/** How close to the end still counts as "at the end" (a few pixels of rounding, half a line). */
const NEAR_END_PX = 48;
/** How long a reveal waits for its row to be among the items before the reader's scrolling takes over. */
const REVEAL_WAIT_MS = 1500;
/** Assumed for a viewport not measured yet (the first render). */
const FIRST_VIEWPORT_PX = 800;

/** What a row spreads onto its `li`: how the list finds and measures it, and where it is in the whole set. */
export interface RowProps {
  'data-vkey': string;
  'aria-posinset': number;
  'aria-setsize': number;
}

export interface VirtualListHandle {
  /** Shows the last row and stays there as rows are added or grow. */
  toEnd(): void;
  /** Scrolls the row into the window (now, or as soon as it is among the items) and focuses it. */
  reveal(key: string): void;
}

export interface VirtualPosition {
  atEnd: boolean;
  /** Within a viewport of the start: time to load what comes before. */
  nearStart: boolean;
}

export interface VirtualListProps<T> {
  items: readonly T[];
  keyOf(item: T): string;
  renderRow(item: T, index: number, row: RowProps): ReactElement;
  /** The length of the whole set; the items are its last `items.length`. */
  total: number;
  label: string;
  className?: string;
  /** A row's height before it was ever measured, in px. */
  estimate?: number;
  /** Extra rows, in px above and below the viewport. */
  overscan?: number;
  /** After every scroll, by the reader or by the list. */
  onPosition?(position: VirtualPosition): void;
  ref?: Ref<VirtualListHandle>;
}

/** Where the reader is: pinned to the end, or a row's top this far (px) below the viewport's top. */
type Anchor = { kind: 'end' } | { kind: 'row'; key: string; offset: number; scrollTop: number };
const END: Anchor = { kind: 'end' };

const sameAnchor = (a: Anchor, b: Anchor) =>
  a.kind === 'end' ? b.kind === 'end' : b.kind === 'row' && a.key === b.key && Math.round(a.offset) === Math.round(b.offset);

/** First index whose value is greater than x, in a sorted array. */
function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, keyOf, renderRow, total, onPosition } = props;
  const estimate = props.estimate ?? 72;
  const scroller = useRef<HTMLOListElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  const [viewport, setViewport] = useState(0);
  const [anchor, setAnchorState] = useState<Anchor>(END);
  const anchorRef = useRef<Anchor>(END);
  const revealing = useRef<{ key: string; items: readonly T[]; at: number } | null>(null);
  // The row holding the focus: if it scrolls out of the window, the focus moves to the list, not to the page.
  const focusedKey = useRef<string | null>(null);
  const observer = useRef<ResizeObserver | null>(null);
  const observed = useRef(new Set<Element>());
  // Where the list itself last scrolled to: the scroll event that follows is not the reader moving.
  const scrolledTo = useRef<number | null>(null);
  // A row that grew under the mouse (its actions showed on hover) while the list was at the end: following the
  // end would slide it, and the button being aimed at, out from under the pointer. Held until the mouse leaves.
  // Held with where its top was then: whatever moves above it (rows measured, the window moving), it stays put.
  const hovered = useRef<{ row: Element; top: number } | null>(null);
  // Only a mouse that moved onto a row makes a hover: rows scrolled or uncovered under a resting pointer do not. The
  // row the mouse last moved on, until the list scrolls itself (then the pointer may rest on another row). Not a
  // time limit: on a slow device the row's growth is measured long after the mouse arrived, and the button aimed at
  // must still stay put (it slid away between press and release, and the click was lost).
  const pointed = useRef<Element | null>(null);
  const lastKey = useRef<string | undefined>(undefined);

  function setAnchor(next: Anchor): void {
    anchorRef.current = next;
    setAnchorState((current) => (sameAnchor(current, next) ? current : next));
  }

  const keys = useMemo(() => items.map(keyOf), [items, keyOf]);
  const indexOf = useMemo(() => new Map(keys.map((key, i) => [key, i])), [keys]);
  // offsets[i] is where row i starts below the first row; offsets[n] is the height of them all.
  const offsets = useMemo(() => {
    void measured;
    let sum = 0;
    let count = 0;
    for (const h of heights.current.values()) {
      sum += h;
      count += 1;
    }
    const guess = count > 0 ? sum / count : estimate;
    const result = new Float64Array(keys.length + 1);
    keys.forEach((key, i) => {
      result[i + 1] = (result[i] ?? 0) + (heights.current.get(key) ?? guess);
    });
    return result;
  }, [keys, measured, estimate]);

  const height = viewport || (typeof window === 'undefined' ? FIRST_VIEWPORT_PX : window.innerHeight);
  const overscan = props.overscan ?? Math.max(240, height * 0.75);
  const all = offsets[keys.length] ?? 0;
  const rowIndex = anchor.kind === 'row' ? indexOf.get(anchor.key) : undefined;
  const top =
    anchor.kind === 'end'
      ? Math.max(0, all + 2 * EDGE - height)
      : rowIndex !== undefined
        ? EDGE + (offsets[rowIndex] ?? 0) - anchor.offset
        : anchor.scrollTop;
  // Rows that end below (top - overscan) and start above (top + height + overscan).
  let start = Math.max(0, upperBound(offsets, top - overscan - EDGE) - 1);
  let end = Math.min(keys.length, upperBound(offsets, top + height + overscan - EDGE));
  if (keys.length > 0 && start >= end) {
    start = Math.min(start, keys.length - 1);
    end = start + 1;
  }
  // What the last commit laid out, for reading the reader's place between renders.
  const model = useRef({ keys, offsets });
  useLayoutEffect(() => {
    model.current = { keys, offsets };
  }, [keys, offsets]);
  const before = offsets[start] ?? 0;
  const after = all - (offsets[end] ?? all);

  // Scrolling alone re-renders only this list: the rows are the same elements and React skips them.
  const rows = useMemo(() => {
    const first = total - items.length;
    const out: ReactElement[] = [];
    for (let i = start; i < end; i += 1) {
      const item = items[i] as T;
      out.push(renderRow(item, i, { 'data-vkey': keys[i] ?? '', 'aria-posinset': first + i + 1, 'aria-setsize': total }));
    }
    return out;
  }, [items, keys, start, end, renderRow, total]);

  function rowElement(key: string): HTMLElement | null {
    return scroller.current?.querySelector<HTMLElement>(`:scope > [data-vkey="${CSS.escape(key)}"]`) ?? null;
  }

  /** Puts the anchor back where it belongs after anything moved: a measurement, rows added above, a resize. */
  function settle(): void {
    const element = scroller.current;
    if (!element) return;
    const current = anchorRef.current;
    if (current.kind === 'end') {
      const held = hovered.current;
      if (held?.row.isConnected && held.row.matches(':hover')) {
        const delta = held.row.getBoundingClientRect().top - held.top;
        if (Math.abs(delta) >= 0.5) {
          element.scrollTop += delta;
          scrolledTo.current = element.scrollTop;
        }
        return;
      }
      hovered.current = null;
      const before = element.scrollTop;
      element.scrollTop = element.scrollHeight;
      if (element.scrollTop !== before) pointed.current = null;
    } else {
      const row = rowElement(current.key);
      if (!row) return;
      const delta = row.getBoundingClientRect().top - element.getBoundingClientRect().top - element.clientTop - current.offset;
      if (Math.abs(delta) < 0.5) return;
      element.scrollTop += delta;
      pointed.current = null;
    }
    scrolledTo.current = element.scrollTop;
  }

  /** The first rendered row in view, and how far its top is below the viewport's top. */
  function firstRowInView(element: HTMLOListElement): { row: HTMLElement; offset: number } | null {
    const viewTop = element.getBoundingClientRect().top + element.clientTop;
    for (const child of element.children) {
      const box = child.getBoundingClientRect();
      if (box.bottom <= viewTop) continue;
      if (box.top >= viewTop + element.clientHeight) break;
      if (child instanceof HTMLElement && child.dataset.vkey !== undefined) return { row: child, offset: box.top - viewTop };
    }
    return null;
  }

  function atEndNow(element: HTMLOListElement): boolean {
    return element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_END_PX;
  }

  /** The reader's place as the DOM shows it now: the end, or the first row in view. */
  function readAnchor(element: HTMLOListElement): Anchor {
    if (atEndNow(element)) return END;
    const inView = firstRowInView(element);
    if (inView) return { kind: 'row', key: inView.row.dataset.vkey ?? '', offset: inView.offset, scrollTop: element.scrollTop };
    // Nothing rendered is in view (a long wheel turn, the scrollbar dragged): the row the estimates put there.
    const { keys: shownKeys, offsets: shownOffsets } = model.current;
    const i = Math.min(shownKeys.length - 1, Math.max(0, upperBound(shownOffsets, element.scrollTop - EDGE) - 1));
    const key = shownKeys[i];
    if (key === undefined) return { kind: 'row', key: '', offset: 0, scrollTop: element.scrollTop };
    return { kind: 'row', key, offset: EDGE + (shownOffsets[i] ?? 0) - element.scrollTop, scrollTop: element.scrollTop };
  }

  // Measure every row rendered, and the viewport. Runs before paint, so a correction is never seen.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver !== 'function') return;
    let width = element.clientWidth;
    const watch = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const target = entry.target as HTMLElement;
        if (target === element) {
          // Another width wraps every text differently: what was measured no longer holds.
          if (element.clientWidth !== width) {
            width = element.clientWidth;
            heights.current.clear();
            changed = true;
          }
          setViewport(element.clientHeight);
          continue;
        }
        const key = target.dataset.vkey;
        if (!target.isConnected || key === undefined) continue;
        const size = entry.borderBoxSize?.[0]?.blockSize ?? target.getBoundingClientRect().height;
        const previous = heights.current.get(key);
        const pointing = pointed.current === target && target.matches(':hover');
        if (previous !== undefined && previous !== size && pointing && hovered.current?.row !== target) {
          hovered.current = { row: target, top: target.getBoundingClientRect().top };
        }
        if (previous !== size) {
          heights.current.set(key, size);
          changed = true;
        }
      }
      settle();
      if (changed) setMeasured((n) => n + 1);
    });
    watch.observe(element);
    observer.current = watch;
    setViewport(element.clientHeight);
    const seen = observed.current;
    return () => {
      watch.disconnect();
      observer.current = null;
      seen.clear();
    };
  }, []);

  // After every render: watch the new rows, keep the reader's place, finish a reveal, keep the focus in the list.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const watch = observer.current;
    if (watch) {
      for (const seen of observed.current) {
        if (!seen.isConnected) {
          watch.unobserve(seen);
          observed.current.delete(seen);
        }
      }
      for (const child of element.children) {
        if (observed.current.has(child)) continue;
        watch.observe(child);
        observed.current.add(child);
      }
    }
    // A new message at the end is followed even under the mouse.
    if (keys.at(-1) !== lastKey.current) hovered.current = null;
    lastKey.current = keys.at(-1);
    // A reveal waits for its row while the items it was asked with are shown; new items without it end the wait.
    const target = revealing.current;
    if (target && !indexOf.has(target.key) && target.items !== items) revealing.current = null;
    const current = anchorRef.current;
    // A pixel offset only (or a row that is gone): now that rows are there, hold on to the first one in view.
    if (current.kind === 'row' && !indexOf.has(current.key) && revealing.current?.key !== current.key) setAnchor(readAnchor(element));
    settle();
    const row = revealing.current ? rowElement(revealing.current.key) : null;
    if (row) {
      revealing.current = null;
      row.focus({ preventScroll: true });
      // A short list may not scroll at all: say where the reader is now.
      const next = atEndNow(element) ? END : anchorRef.current;
      setAnchor(next);
      onPosition?.({ atEnd: next.kind === 'end', nearStart: element.scrollTop < Math.max(element.clientHeight, 400) });
    }
    const focused = focusedKey.current;
    if (focused !== null && (document.activeElement === null || document.activeElement === document.body) && !rowElement(focused)) {
      focusedKey.current = null;
      element.focus({ preventScroll: true });
    }
  });

  useImperativeHandle(props.ref, () => ({
    toEnd() {
      revealing.current = null;
      hovered.current = null;
      setAnchor(END);
      settle();
    },
    reveal(key) {
      const element = scroller.current;
      // A third of the way down: the row and what led to it are both in view.
      const offset = element ? Math.round(element.clientHeight / 3) : 0;
      revealing.current = { key, items, at: performance.now() };
      setAnchor({ kind: 'row', key, offset, scrollTop: element?.scrollTop ?? 0 });
    },
  }));

  function onKeyDown(event: KeyboardEvent<HTMLOListElement>): void {
    const element = event.currentTarget;
    // Only for the list itself: in a row, keys belong to what has the focus (an edit box, a button).
    if (event.target !== element || event.altKey || event.ctrlKey || event.metaKey) return;
    const page = Math.max(40, element.clientHeight * 0.85);
    switch (event.key) {
      case 'Home': {
        const first = keys[0];
        if (first !== undefined) setAnchor({ kind: 'row', key: first, offset: EDGE, scrollTop: 0 });
        break;
      }
      case 'End':
        hovered.current = null;
        setAnchor(END);
        break;
      case 'PageUp':
        element.scrollTop -= page;
        break;
      case 'PageDown':
        element.scrollTop += page;
        break;
      case 'Tab': {
        // Into the first row in view rather than the first one rendered above it.
        if (event.shiftKey) return;
        const inside = firstRowInView(element)?.row.querySelector<HTMLElement>('button:not([disabled]), a[href], textarea, input, [tabindex="0"]');
        if (!inside) return;
        inside.focus();
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  }

  return (
    <ol
      ref={scroller}
      className={props.className ? `virtual-list ${props.className}` : 'virtual-list'}
      aria-label={props.label}
      // Scrollable with the keyboard too.
      tabIndex={0}
      // The rows not rendered are stood in for by two spacers (the list's ::before and ::after): not padding,
      // which a flex item never shrinks below, and not elements, which a list may not hold besides its items.
      style={{ '--virtual-before': `${before}px`, '--virtual-after': `${after}px` } as CSSProperties}
      onKeyDown={onKeyDown}
      onPointerMove={(event) => {
        if (event.pointerType === 'mouse') pointed.current = (event.target as Element).closest('[data-vkey]');
      }}
      onFocus={(event) => {
        const row = (event.target as HTMLElement).closest<HTMLElement>('[data-vkey]');
        focusedKey.current = row && event.currentTarget.contains(row) ? (row.dataset.vkey ?? null) : null;
      }}
      onBlur={(event) => {
        const list = event.currentTarget;
        const lost = event.target;
        if (event.relatedTarget !== null) {
          if (!list.contains(event.relatedTarget as Node)) focusedKey.current = null;
          return;
        }
        // Nowhere to go: either the row left the window (handled after that render) or the page was clicked.
        requestAnimationFrame(() => {
          if (lost.isConnected && !list.contains(document.activeElement)) focusedKey.current = null;
        });
      }}
      onScroll={(event) => {
        const element = event.currentTarget;
        // After the list's own scroll the anchor already says where the reader is (a revealed row, say);
        // read from the DOM it might say something else, such as "at the end" before the row is rendered.
        // So is any scroll while a reveal waits for its row (briefly: a reader who scrolls on wins).
        const waiting = revealing.current !== null && performance.now() - revealing.current.at < REVEAL_WAIT_MS;
        const ours = waiting || (scrolledTo.current !== null && Math.abs(element.scrollTop - scrolledTo.current) < 1);
        scrolledTo.current = null;
        if (!ours) revealing.current = null;
        // A row held in place that ends up at the very end (revealed near it, say) becomes the end itself.
        const next = !ours ? readAnchor(element) : !waiting && atEndNow(element) ? END : anchorRef.current;
        setAnchor(next);
        onPosition?.({ atEnd: next.kind === 'end', nearStart: element.scrollTop < Math.max(element.clientHeight, 400) });
      }}
    >
      {rows}
    </ol>
  );
}
