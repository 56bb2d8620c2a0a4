'use client';
// Unread posts in one community on screen: per thread (the rows), per channel (the pills) and in all, read from
// the counts the engine keeps in its sealed list; re-read when a count changes or the community document does.
import { useEffect, useState } from 'react';
import { channelUnread } from '../../../lib/client/engine/thread-unread';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export interface CommunityUnread {
  threads: Readonly<Record<string, number>>;
  channels: Readonly<Record<string, number>>;
  total: number;
}

const NONE: CommunityUnread = { threads: {}, channels: {}, total: 0 };

/** `version` changes whenever the community's state was re-read (a new thread may have brought its channel). */
export function useCommunityUnread(engine: DeviceEngine | null, communityId: string | null, version: unknown): CommunityUnread {
  const [unread, setUnread] = useState<CommunityUnread & { communityId: string | null }>({ ...NONE, communityId: null });
  useEffect(() => {
    if (!engine || !communityId) return;
    const counts = engine.communities.unread;
    let cancelled = false;
    let reading = 0;
    const read = () => {
      const n = ++reading;
      // A copy: the engine updates its counts in place.
      const threads = { ...counts.byThread(communityId) };
      const total = counts.total(communityId);
      void channelUnread(engine.communities, communityId).then(
        (channels) => {
          if (!cancelled && n === reading) setUnread({ threads, channels, total, communityId });
        },
        () => {
          if (!cancelled && n === reading) setUnread({ threads, channels: {}, total, communityId });
        },
      );
    };
    read();
    const stop = counts.subscribe(read);
    return () => {
      cancelled = true;
      stop();
    };
  }, [engine, communityId, version]);
  return unread.communityId === communityId ? unread : NONE;
}
