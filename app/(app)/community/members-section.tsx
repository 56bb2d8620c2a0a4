'use client';
// Who is in the community and in what role. The owner (or a moderator, for plain members) can remove someone:
// the key rotates and they read nothing posted afterwards. The owner also makes and unmakes moderators, and
// hands ownership over (after a confirmation; they become a moderator).
import { useState } from 'react';
import type { CommunityMember, CommunityState } from '../../../lib/client/engine/communities';
import { mayChange } from '../../../lib/client/engine/community-admin';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { ROLE_LABEL } from './labels';
import { TransferDialog } from './transfer-dialog';

export function MembersSection({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [transferTo, setTransferTo] = useState<{ accountId: string; name: string } | null>(null);

  async function run(label: string, action: () => Promise<{ ok: true } | { ok: false; code: Parameters<typeof errorText>[0] }>, doneText: string) {
    setBusy(label);
    setError(null);
    setDone(null);
    const result = await action();
    setBusy(null);
    if (result.ok) setDone(doneText);
    else setError(errorText(result.code));
  }

  const owner = state.myRole === 'owner';
  const mayRemove = (role: string) => owner || (state.myRole === 'moderator' && role === 'member');
  const nameOf = (m: CommunityMember) => (m.accountId === engine.accountId ? 'You' : (m.displayName ?? 'Deleted account'));
  return (
    <section className="card community-members" aria-labelledby="members-title">
      <h2 id="members-title">Members ({state.members.length})</h2>
      {state.rolesDisagree ? (
        <p className="notice warning small">Some roles listed by the server are not backed by signed records yet; they are shown as the records say once they arrive.</p>
      ) : null}
      <ErrorAlert message={error} />
      <StatusNotice busy={busy !== null}>{busy ?? done}</StatusNotice>
      <ul className="member-roles" aria-label="Members">
        {state.members.map((m) => {
          const me = m.accountId === engine.accountId;
          const name = nameOf(m);
          const joined = m.invited !== true;
          const canPromote = owner && !me && joined && mayChange('promote', m);
          const canDemote = owner && !me && joined && mayChange('demote', m);
          const canTransfer = owner && !me && joined && mayChange('transfer', m);
          return (
            <li key={m.accountId}>
              <span>
                <span className="member-name">{name}</span>
                {m.handle ? <span className="muted small"> @{m.handle}</span> : null}
              </span>
              {joined ? (
                <span className={`role-badge ${m.role}`}>{ROLE_LABEL[m.role]}</span>
              ) : (
                <span className="role-badge invited">Invited, not answered yet</span>
              )}
              {canPromote || canDemote || canTransfer || (!me && m.role !== 'owner' && mayRemove(m.role)) ? (
                <span className="member-actions">
                  {canPromote ? (
                    <button
                      type="button"
                      className="button secondary small"
                      aria-label={`Make ${name} moderator`}
                      disabled={busy !== null}
                      onClick={() => void run(`Making ${name} a moderator…`, () => engine.communityAdmin.setRole(state.id, m.accountId, 'moderator'), `${name} is now a moderator.`)}
                    >
                      Make moderator
                    </button>
                  ) : null}
                  {canDemote ? (
                    <button
                      type="button"
                      className="button secondary small"
                      aria-label={`Remove moderator role from ${name}`}
                      disabled={busy !== null}
                      onClick={() => void run(`Making ${name} a member…`, () => engine.communityAdmin.setRole(state.id, m.accountId, 'member'), `${name} is a member again.`)}
                    >
                      Remove moderator
                    </button>
                  ) : null}
                  {canTransfer ? (
                    <button
                      type="button"
                      className="button secondary small"
                      aria-label={`Make ${name} owner`}
                      disabled={busy !== null}
                      onClick={() => setTransferTo({ accountId: m.accountId, name })}
                    >
                      Make owner
                    </button>
                  ) : null}
                  {!me && m.role !== 'owner' && mayRemove(m.role) ? (
                    <button
                      type="button"
                      className="button danger small"
                      aria-label={`Remove ${name}`}
                      disabled={busy !== null}
                      onClick={() => void run(`Removing ${name}…`, () => engine.communities.removeMember(state.id, m.accountId), `Removed ${name}.`)}
                    >
                      Remove
                    </button>
                  ) : null}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <TransferDialog
        to={transferTo}
        community={state.name || 'this community'}
        onCancel={() => setTransferTo(null)}
        onConfirm={async () => {
          const to = transferTo;
          setTransferTo(null);
          if (to) await run(`Handing ownership to ${to.name}…`, () => engine.communityAdmin.transferOwnership(state.id, to.accountId), `${to.name} is now the owner. You are a moderator.`);
        }}
      />
    </section>
  );
}
