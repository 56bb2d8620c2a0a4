'use client';
// One community on screen: its document held in memory while shown (so changes synced in arrive here), its
// state re-read on every change, filtered by channel, kind and status.
import { useEffect, useState } from 'react';
import type { CommunityState, ThreadFilter } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export interface CommunityOnScreen {
  state: CommunityState | null;
  /** This device does not list the community (never joined, removed, or left). */
  missing: boolean;
}

export function useCommunity(engine: DeviceEngine | null, communityId: string | null, filter: ThreadFilter = {}): CommunityOnScreen {
  const listed = useListed(engine, communityId);
  const [state, setState] = useState<CommunityState | null>(null);
  const { channel, kind, status } = filter;

  useEffect(() => {
    if (!engine || !communityId || !listed) return;
    const communities = engine.communities;
    let cancelled = false;
    let reading = 0;
    let unsubscribe = () => {};
    const read = () => {
      const n = ++reading;
      void communities.state(communityId, { ...(channel ? { channel } : {}), ...(kind ? { kind } : {}), ...(status ? { status } : {}) }).then((result) => {
        if (cancelled || n !== reading) return;
        setState(result.ok ? result.value : null);
      });
    };
    const held = communities.acquire(communityId);
    void held.then(
      ({ replica }) => {
        if (cancelled) return;
        unsubscribe = replica.subscribe(read);
        read();
      },
      () => undefined,
    );
    const stopList = communities.subscribe(read);
    return () => {
      cancelled = true;
      stopList();
      unsubscribe();
      void held.then(
        () => communities.release(communityId),
        () => communities.release(communityId),
      );
    };
  }, [engine, communityId, listed, channel, kind, status]);

  if (!engine || !communityId) return { state: null, missing: !communityId };
  if (!listed) return { state: null, missing: true };
  return { state: state?.id === communityId ? state : null, missing: false };
}

/** Whether the device lists this community now; follows joins and removals. */
export function useListed(engine: DeviceEngine | null, docId: string | null): boolean {
  const [listed, setListed] = useState(() => (engine && docId ? engine.communities.view(docId) !== undefined : false));
  useEffect(() => {
    if (!engine || !docId) return;
    const read = () => setListed(engine.communities.view(docId) !== undefined);
    read();
    return engine.communities.subscribe(read);
  }, [engine, docId]);
  return listed;
}
