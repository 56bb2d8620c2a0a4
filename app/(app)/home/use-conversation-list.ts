'use client';
// One of the device's conversation lists, last activity first, kept current as the engine learns of changes:
// the Conversations list, the Message requests waiting for me, or the Archived ones.
import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../../lib/client/engine/conversations';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export type ListKind = 'list' | 'requests' | 'archived';

export function useConversationList(engine: DeviceEngine | null, kind: ListKind = 'list'): ConversationSummary[] {
  const [list, setList] = useState<ConversationSummary[]>(() => engine?.conversations[kind]() ?? []);
  useEffect(() => {
    if (!engine) return;
    const read = () => setList(engine.conversations[kind]());
    read();
    return engine.conversations.subscribe(read);
  }, [engine, kind]);
  return engine ? list : [];
}
