'use client';
// Invitations to communities, made by an owner or moderator with my handle. Like a message request, joining is
// my choice: Accept makes it one of my communities, Decline removes it (and what this device read of it).
import { useEffect, useState } from 'react';
import type { Invitation } from '../../../lib/client/engine/community-discovery';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function useInvitations(engine: DeviceEngine | null): Invitation[] {
  const [list, setList] = useState<Invitation[]>(() => engine?.discovery.invitations() ?? []);
  useEffect(() => {
    if (!engine) return;
    const read = () => setList(engine.discovery.invitations());
    read();
    return engine.communities.subscribe(read);
  }, [engine]);
  return list;
}

export function InvitationsSection({ engine }: { engine: DeviceEngine }) {
  const invitations = useInvitations(engine);
  const [outcome, setOutcome] = useState<string | null>(null);

  return (
    <>
      <StatusNotice>{outcome}</StatusNotice>
      {invitations.length === 0 ? null : (
        <section className="card invitations" aria-labelledby="invitations-title">
          <h2 id="invitations-title">Invitations</h2>
          <p className="small muted">An owner or moderator invited you by your handle. Accept to join; Decline removes the invitation.</p>
          <ul className="community-list" aria-labelledby="invitations-title">
            {invitations.map((invitation) => (
              <InvitationItem key={invitation.communityId} engine={engine} invitation={invitation} onDone={setOutcome} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function InvitationItem({ engine, invitation, onDone }: { engine: DeviceEngine; invitation: Invitation; onDone(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = invitation.name ?? 'A community';

  async function answer(accept: boolean) {
    setBusy(true);
    setError(null);
    const result = accept ? await engine.discovery.accept(invitation.communityId) : await engine.discovery.decline(invitation.communityId);
    setBusy(false);
    if (!result.ok) return setError(errorText(result.code, { 'community.not_invited': 'This invitation was already answered.' }));
    onDone(accept ? `Joined ${name}. It is now in your communities.` : `Declined the invitation to ${name}.`);
  }

  return (
    <li className="directory-item">
      <span className="community-name">{invitation.name ?? 'Reading the invitation…'}</span>
      {invitation.description ? <span className="community-description">{invitation.description}</span> : null}
      <span className="muted small">
        {invitation.founder ? `Founded by ${invitation.founder} · ` : ''}
        {invitation.memberCount} {invitation.memberCount === 1 ? 'member' : 'members'}
      </span>
      <div className="actions">
        <button type="button" className="button primary small" disabled={busy} onClick={() => void answer(true)} title={`Join ${name}`}>
          Accept
        </button>
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void answer(false)} title={`Decline the invitation to ${name}`}>
          Decline
        </button>
      </div>
      <ErrorAlert message={error} />
    </li>
  );
}
