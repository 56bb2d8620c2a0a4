'use client';
// What the community home shows about being asked in and asking others: the invitation waiting for my answer,
// or inviting by handle (owner and moderators). The settings (directory listing, history) are CommunitySettings.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert } from '../../_components/notice';
import { InviteByHandle } from './invite-by-handle';

export function DiscoveryPanels({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  if (state.invited) return <InvitationBanner engine={engine} state={state} />;
  return state.myRole === 'member' ? null : <InviteByHandle engine={engine} communityId={state.id} />;
}

function InvitationBanner({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function answer(accept: boolean) {
    setBusy(true);
    setError(null);
    const result = accept ? await engine.discovery.accept(state.id) : await engine.discovery.decline(state.id);
    setBusy(false);
    if (!result.ok) return setError(errorText(result.code));
    if (!accept) router.replace('/communities/');
  }

  return (
    <section className="card request-banner" aria-label="Invitation">
      <p>
        You were invited to join {state.name || 'this community'}. Accept to post and reply; Decline removes the invitation and what this device read of the community.
      </p>
      <div className="actions">
        <button type="button" className="button primary small" disabled={busy} onClick={() => void answer(true)}>
          Accept
        </button>
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void answer(false)}>
          Decline
        </button>
      </div>
      <ErrorAlert message={error} />
    </section>
  );
}
