'use client';
// Unread messages across every conversation: the number on `Conversations` in the main navigation.
import { useEffect, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function useTotalUnread(engine: DeviceEngine | null): number {
  const [total, setTotal] = useState(() => engine?.totalUnread() ?? 0);
  useEffect(() => {
    if (!engine) return setTotal(0);
    const read = () => setTotal(engine.totalUnread());
    read();
    return engine.conversations.subscribe(read);
  }, [engine]);
  return engine ? total : 0;
}
