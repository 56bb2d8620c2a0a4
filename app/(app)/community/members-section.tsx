'use client';
// Who is in the community and in what role. The owner (or a moderator, for plain members) can remove someone:
// the key rotates and they read nothing posted afterwards.
import { useState } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert } from '../../_components/notice';
import { ROLE_LABEL } from './labels';

export function MembersSection({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function remove(accountId: string) {
    setBusy(accountId);
    setError(null);
    const removed = await engine.communities.removeMember(state.id, accountId);
    setBusy(null);
    if (!removed.ok) setError(errorText(removed.code));
  }

  const mayRemove = (role: string) => state.myRole === 'owner' || (state.myRole === 'moderator' && role === 'member');
  return (
    <section className="card community-members" aria-labelledby="members-title">
      <h2 id="members-title">Members ({state.members.length})</h2>
      {state.rolesDisagree ? (
        <p className="notice warning small">Some roles listed by the server are not backed by signed records yet; they are shown as the records say once they arrive.</p>
      ) : null}
      <ErrorAlert message={error} />
      <ul className="member-roles" aria-label="Members">
        {state.members.map((m) => {
          const me = m.accountId === engine.accountId;
          const name = me ? 'You' : (m.displayName ?? 'Deleted account');
          return (
            <li key={m.accountId}>
              <span>
                <span className="member-name">{name}</span>
                {m.handle ? <span className="muted small"> @{m.handle}</span> : null}
              </span>
              <span className="role-badge">{ROLE_LABEL[m.role]}</span>
              {!me && m.role !== 'owner' && mayRemove(m.role) ? (
                <button
                  type="button"
                  className="button danger small"
                  aria-label={`Remove ${name}`}
                  disabled={busy !== null}
                  onClick={() => void remove(m.accountId)}
                >
                  Remove
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
