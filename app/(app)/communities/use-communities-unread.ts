'use client';
// Unread posts across every community: added to the Communities link in the main navigation.
import { useEffect, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function useCommunitiesUnread(engine: DeviceEngine | null): number {
  const [total, setTotal] = useState(() => engine?.communities.unread.grandTotal() ?? 0);
  useEffect(() => {
    if (!engine) return;
    const read = () => setTotal(engine.communities.unread.grandTotal());
    read();
    // The list too: a community that left the device takes its counts with it.
    const stops = [engine.communities.unread.subscribe(read), engine.communities.subscribe(read)];
    return () => stops.forEach((stop) => stop());
  }, [engine]);
  return total;
}
