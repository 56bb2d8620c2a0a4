'use client';
// The communities this device lists, re-read whenever the engine's list or an unread count changes.
import { useEffect, useState } from 'react';
import type { CommunitySummary } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function useCommunities(engine: DeviceEngine | null): CommunitySummary[] {
  const [list, setList] = useState<CommunitySummary[]>(() => engine?.communities.list() ?? []);
  useEffect(() => {
    if (!engine) return;
    const read = () => setList(engine.communities.list());
    read();
    const stops = [engine.communities.subscribe(read), engine.communities.unread.subscribe(read)];
    return () => stops.forEach((stop) => stop());
  }, [engine]);
  return list;
}
