'use client';
// Keeps one thread open while it is on screen: its posts re-read on every change.
import { useEffect, useState } from 'react';
import type { OpenThread, ThreadPost } from '../../../lib/client/engine/open-thread';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export interface ThreadOnScreen {
  thread: OpenThread | null;
  posts: ThreadPost[];
  loaded: boolean;
  failed: boolean;
}

const CLOSED: ThreadOnScreen = { thread: null, posts: [], loaded: false, failed: false };

/** `enabled` is false while (or once) the device does not list the thread: what was shown stays, nothing new arrives. */
export function useOpenThread(engine: DeviceEngine | null, threadId: string | null, enabled: boolean): ThreadOnScreen {
  const [state, setState] = useState<ThreadOnScreen & { threadId: string | null }>({ ...CLOSED, threadId: null });

  useEffect(() => {
    if (!engine || !threadId || !enabled) return;
    let cancelled = false;
    let opened: OpenThread | null = null;
    let unsubscribe = () => {};
    let reading = 0;
    void engine.openThread(threadId).then(
      (result) => {
        if (!result.ok) {
          if (!cancelled) setState((s) => ({ ...s, threadId, failed: true }));
          return;
        }
        const thread = result.value;
        if (cancelled) {
          void thread.close();
          return;
        }
        opened = thread;
        const read = () => {
          const n = ++reading;
          thread.messages().then(
            (posts) => {
              if (!cancelled && n === reading) setState({ threadId, thread, posts, loaded: true, failed: false });
            },
            () => {
              if (!cancelled && n === reading) setState((s) => ({ ...s, threadId, failed: true }));
            },
          );
        };
        unsubscribe = thread.subscribe(read);
        read();
      },
      () => {
        if (!cancelled) setState((s) => ({ ...s, threadId, failed: true }));
      },
    );
    return () => {
      cancelled = true;
      unsubscribe();
      void opened?.close();
    };
  }, [engine, threadId, enabled]);

  if (state.threadId !== threadId) return CLOSED;
  // Closed (removed, left): what was shown stays readable, nothing can be sent through it.
  return enabled ? state : { ...state, thread: null };
}
