'use client';
// A long press on a touch screen: what shows a message's actions where there is no hover. iOS sends no context
// menu for it, and Android's comes late, so the press is timed here from pointer events.
import { useEffect, useRef, type MouseEvent, type PointerEvent } from 'react';

/** A touch held this long is a long press. */
const LONG_PRESS_MS = 500;
/** A finger that moves further than this is scrolling, not pressing. */
const PRESS_SLOP_PX = 10;

interface Press {
  timer: ReturnType<typeof setTimeout> | null;
  x: number;
  y: number;
  fired: boolean;
}

/**
 * Spread `handlers` on the element; `onPress` runs once a touch was held still for LONG_PRESS_MS. The click that
 * ends the press is swallowed, so lifting the finger over a button does not also press it. `held()` tells a
 * context-menu handler that this press was already handled.
 */
export function useLongPress<E extends HTMLElement>(onPress: () => void) {
  const item = useRef<E>(null);
  const press = useRef<Press | null>(null);
  const cancel = () => {
    if (press.current?.timer) clearTimeout(press.current.timer);
    if (press.current) press.current.timer = null;
  };
  useEffect(() => cancel, []);
  const held = () => press.current?.fired === true;
  const handlers = {
    onPointerDown(event: PointerEvent<E>) {
      cancel();
      press.current = null;
      if (event.pointerType !== 'touch' || !event.isPrimary) return;
      const started: Press = { timer: null, x: event.clientX, y: event.clientY, fired: false };
      started.timer = setTimeout(() => {
        started.timer = null;
        started.fired = true;
        onPress();
      }, LONG_PRESS_MS);
      press.current = started;
    },
    onPointerMove(event: PointerEvent<E>) {
      const current = press.current;
      if (current?.timer && Math.hypot(event.clientX - current.x, event.clientY - current.y) > PRESS_SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onClickCapture(event: MouseEvent<E>) {
      if (!press.current?.fired) return;
      press.current = null;
      event.preventDefault();
      event.stopPropagation();
    },
  };
  return { item, held, handlers };
}
