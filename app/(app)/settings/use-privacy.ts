'use client';
// The engine's privacy state (settings and blocks), kept current for a screen.
import { useEffect, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { DEFAULT_PRIVACY, type BlockView, type PrivacySettings } from '../../../lib/protocol/api-privacy';

export function usePrivacy(engine: DeviceEngine | null): { settings: PrivacySettings; blocks: BlockView[] } {
  const read = () => (engine ? { settings: engine.privacy.settings(), blocks: engine.privacy.blocks() } : { settings: DEFAULT_PRIVACY, blocks: [] });
  const [state, setState] = useState(read);
  useEffect(() => {
    if (!engine) return;
    const update = () => setState({ settings: engine.privacy.settings(), blocks: engine.privacy.blocks() });
    update();
    return engine.privacy.subscribe(update);
  }, [engine]);
  return state;
}
