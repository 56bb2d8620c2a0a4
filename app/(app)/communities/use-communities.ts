'use client';
// The communities this device lists, re-read whenever the engine's list changes.
import { useEffect, useState } from 'react';
import type { CommunitySummary } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function useCommunities(engine: DeviceEngine | null): CommunitySummary[] {
  const [list, setList] = useState<CommunitySummary[]>(() => engine?.communities.list() ?? []);
  useEffect(() => {
    if (!engine) return;
    const read = () => setList(engine.communities.list());
    read();
    return engine.communities.subscribe(read);
  }, [engine]);
  return list;
}
