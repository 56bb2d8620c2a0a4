'use client';
// Keeps one conversation open while it is on screen: its messages (verified and decrypted by the engine),
// re-read on every change, and a fresh socket when the network comes back. Until a long history has loaded, the
// newest messages as this device last listed them (one small sealed record) stand in for it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenConversation, ShownMessage } from '../../../lib/client/engine/engine';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export interface OpenState {
  conversation: OpenConversation | null;
  messages: ShownMessage[];
  /** False until the first listing arrived (the recent view kept on the device, or the conversation's own). */
  loaded: boolean;
  /** The device could not open it (its local storage failed). */
  failed: boolean;
  /** More messages exist before the first one shown. */
  hasOlder: boolean;
  /** How many messages the whole conversation has (at least `messages.length`), for `aria-setsize`. */
  total: number;
}

export interface OpenConversationState extends OpenState {
  /** Shows another page of older messages. */
  loadOlder(): void;
  /** Widens the window until this message is shown; false if it is not in the conversation. */
  reveal(messageId: string): Promise<boolean>;
}

/** Messages read (and verified) at first and added per "load older"; the list renders only what is in view. */
export const PAGE = 100;
const CLOSED: OpenState = { conversation: null, messages: [], loaded: false, failed: false, hasOlder: false, total: 0 };
const noop = () => undefined;

/** Runs `run` once the next frame is painted; a hidden tab paints none, so after `ms` at the latest. */
function afterNextPaint(run: () => void, ms = 50): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    run();
  };
  const frame = requestAnimationFrame(() => setTimeout(once, 0));
  const timer = setTimeout(once, ms);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** `enabled` is false once the person is no longer a member: the last listing stays, nothing new arrives. */
export function useOpenConversation(engine: DeviceEngine | null, docId: string | null, enabled: boolean, online: boolean): OpenConversationState {
  const [state, setState] = useState<OpenState & { docId: string | null }>({ ...CLOSED, docId: null });
  const [attempt, setAttempt] = useState(0);
  const current = useRef<OpenConversation | null>(null);
  // Per conversation: a reopen (a new socket after the network returned) keeps what the reader loaded.
  const limit = useRef({ docId, count: PAGE });
  if (limit.current.docId !== docId) limit.current = { docId, count: PAGE };
  const reread = useRef<() => Promise<void>>(() => Promise.resolve());
  const wasOnline = useRef(online);
  // The conversation whose own listing is on screen: a reopen (new socket) needs no recent view first.
  const listedDoc = useRef<string | null>(null);

  // The socket waits longer after each failed attempt; when the browser is back online, start over at once.
  useEffect(() => {
    const live = current.current?.connectionState();
    if (online && !wasOnline.current && live !== 'synced' && live !== 'connected') setAttempt((n) => n + 1);
    wasOnline.current = online;
  }, [online]);

  useEffect(() => {
    if (!engine || !docId || !enabled) return;
    let cancelled = false;
    let opened: OpenConversation | null = null;
    let unsubscribe = () => {};
    let listing = 0;
    let stopWaiting: () => void = noop;
    const open = () =>
      engine.open(docId).then(
        (conversation) => {
          if (cancelled) {
            void conversation.close();
            return;
          }
          opened = conversation;
          current.current = conversation;
          const read = () => {
            const n = ++listing;
            const want = limit.current.count;
            return conversation.messages({ limit: want + 1 }).then(
              (listed) => {
                // One more than shown tells whether older ones exist.
                const hasOlder = listed.length > want;
                const messages = hasOlder ? listed.slice(1) : listed;
                const total = Math.max(conversation.count(), messages.length + (hasOlder ? 1 : 0));
                if (cancelled || n !== listing) return;
                listedDoc.current = docId;
                setState({ docId, conversation, messages, loaded: true, failed: false, hasOlder, total });
              },
              () => {
                if (!cancelled && n === listing) setState((s) => ({ ...s, failed: true }));
              },
            );
          };
          reread.current = read;
          unsubscribe = conversation.subscribe(() => void read());
          void read();
        },
        () => {
          if (!cancelled) setState((s) => ({ ...s, docId, failed: true }));
        },
      );
    if (listedDoc.current === docId) void open();
    else {
      // What this device showed last time, painted before the load of the whole history takes the main thread.
      engine.recent(docId).then(
        (early) => {
          if (cancelled) return;
          if (!early) {
            void open();
            return;
          }
          // Nothing can be sent or changed through it: `conversation` stays null until the load is done.
          const shown: OpenState = {
            conversation: null,
            messages: early.messages,
            loaded: true,
            failed: false,
            hasOlder: early.total > early.messages.length,
            total: Math.max(early.total, early.messages.length),
          };
          setState((s) => (s.docId === docId && s.loaded ? s : { ...shown, docId }));
          stopWaiting = afterNextPaint(() => void open());
        },
        // An unreadable record is only a slower start: the conversation's own listing follows.
        () => {
          if (!cancelled) void open();
        },
      );
    }
    return () => {
      cancelled = true;
      stopWaiting();
      reread.current = () => Promise.resolve();
      unsubscribe();
      if (current.current === opened) current.current = null;
      void opened?.close();
    };
  }, [engine, docId, enabled, attempt]);

  const loadOlder = useCallback(() => {
    limit.current.count += PAGE;
    void reread.current();
  }, []);

  const reveal = useCallback(async (messageId: string): Promise<boolean> => {
    const conversation = current.current;
    if (!conversation) return false;
    const target = await conversation.message(messageId);
    if (!target) return false;
    // Count what is newer than the target, then show that many and a little context.
    const all = await conversation.messages();
    const index = all.findIndex((m) => m.id === messageId);
    if (index < 0) return false;
    const needed = all.length - index + 10;
    if (needed > limit.current.count) {
      limit.current.count = Math.ceil(needed / PAGE) * PAGE;
      await reread.current();
    }
    return true;
  }, []);

  if (state.docId !== docId) return { ...CLOSED, loadOlder: noop, reveal: () => Promise.resolve(false) };
  // Closed (left, removed): what was shown stays readable, but nothing can be sent through it.
  return { ...(enabled ? state : { ...state, conversation: null }), loadOlder, reveal };
}
