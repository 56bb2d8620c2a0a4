'use client';
// The device's conversation list, last activity first, kept current as the engine learns of changes.
import { useEffect, useState } from 'react';
import type { ConversationSummary } from '../../../lib/client/engine/conversations';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function useConversationList(engine: DeviceEngine | null): ConversationSummary[] {
  const [list, setList] = useState<ConversationSummary[]>(() => engine?.conversations.list() ?? []);
  useEffect(() => {
    if (!engine) return;
    const read = () => setList(engine.conversations.list());
    read();
    return engine.conversations.subscribe(read);
  }, [engine]);
  return engine ? list : [];
}
