'use client';
// Keeps one conversation open while it is on screen: its messages (verified and decrypted by the engine),
// re-read on every change, and a fresh socket when the network comes back.
import { useEffect, useRef, useState } from 'react';
import type { OpenConversation, ShownMessage } from '../../../lib/client/engine/engine';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export interface OpenState {
  conversation: OpenConversation | null;
  messages: ShownMessage[];
  /** False until the first listing arrived. */
  loaded: boolean;
  /** The device could not open it (its local storage failed). */
  failed: boolean;
}

const CLOSED: OpenState = { conversation: null, messages: [], loaded: false, failed: false };

/** `enabled` is false once the person is no longer a member: the last listing stays, nothing new arrives. */
export function useOpenConversation(engine: DeviceEngine | null, docId: string | null, enabled: boolean, online: boolean): OpenState {
  const [state, setState] = useState<OpenState & { docId: string | null }>({ ...CLOSED, docId: null });
  const [attempt, setAttempt] = useState(0);
  const current = useRef<OpenConversation | null>(null);
  const wasOnline = useRef(online);

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
          conversation.messages().then(
            (messages) => {
              if (!cancelled && n === listing) setState({ docId, conversation, messages, loaded: true, failed: false });
            },
            () => {
              if (!cancelled && n === listing) setState((s) => ({ ...s, failed: true }));
            },
          );
        };
        unsubscribe = conversation.subscribe(read);
        read();
      },
      () => {
        if (!cancelled) setState((s) => ({ ...s, docId, failed: true }));
      },
    );
    return () => {
      cancelled = true;
      unsubscribe();
      if (current.current === opened) current.current = null;
      void opened?.close();
    };
  }, [engine, docId, enabled, attempt]);

  if (state.docId !== docId) return CLOSED;
  // Closed (left, removed): what was shown stays readable, but nothing can be sent through it.
  return enabled ? state : { ...state, conversation: null };
}
