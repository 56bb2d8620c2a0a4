'use client';
// The community's invite links as the server lists them to owners and moderators: when and by whom each was made,
// until when it works, how many have used it, and Revoke. The secret is never stored, so no full link is shown here.
import { useEffect, useId, useState } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { MAX_INVITE_LIFETIME_MS, type InviteView } from '../../../lib/protocol/api-communities';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long' });
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const when = (at: number) => `${dayMonth.format(at)} at ${clock.format(at)}`;

/** The start of the link's id, which is also how the link itself starts after `join#`: enough to tell links apart. */
const tagOf = (invite: InviteView) => invite.id.slice(0, 6);

/** Why a link no longer lets anyone in; null for a working link, and for a revoked one, which is not listed. */
function endedText(invite: InviteView): string | null {
  switch (invite.status) {
    case 'active':
    case 'revoked':
      return null;
    case 'used_up':
      return `Used up: ${invite.uses} of ${invite.maxUses} used`;
    case 'expired':
      return `Expired on ${when(invite.expiresAt)}`;
    case 'stale':
      return 'Stopped working: the community’s key changed after it was made';
  }
}

export function InviteLinks({
  engine,
  state,
  version,
  justMade,
  onRevoked,
}: {
  engine: DeviceEngine;
  state: CommunityState;
  /** Changes whenever a link was made here, to read the list again. */
  version: number;
  /** The link shown whole above the list, marked as such. */
  justMade: string | null;
  onRevoked: (inviteId: string) => void;
}) {
  const [invites, setInvites] = useState<InviteView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Someone joining or leaving changes a link's uses or ends it (a rotation): read the list again then.
  const memberCount = state.members.length;
  const ids = useId();

  useEffect(() => {
    let cancelled = false;
    void engine.communities.invites(state.id).then((listed) => {
      if (cancelled) return;
      if (listed.ok) {
        setInvites(listed.value);
        setLoadError(null);
      } else {
        setLoadError(errorText(listed.code, { 'community.not_allowed': 'Only the owner and moderators see the invite links.' }));
      }
    });
    return () => {
      cancelled = true;
    };
  }, [engine, state.id, version, memberCount]);

  const whoMade = (invite: InviteView) => {
    if (invite.createdBy === engine.accountId) return 'you';
    if (invite.createdBy === null) return 'a deleted account';
    const member = state.members.find((m) => m.accountId === invite.createdBy);
    return member ? (member.displayName ?? 'a deleted account') : 'a former member';
  };

  async function revoke(invite: InviteView, label: string) {
    setBusy(`Revoking the link made ${label}…`);
    setError(null);
    setDone(null);
    const revoked = await engine.communities.revokeInvite(state.id, invite.id);
    setBusy(null);
    if (!revoked.ok) return setError(errorText(revoked.code, { 'invite.not_found': 'That link is gone already.' }));
    setInvites((list) => list?.filter((i) => i.id !== invite.id) ?? null);
    onRevoked(invite.id);
    setDone(`Revoked the link made ${label}. Whoever opens it now is told it was revoked.`);
  }

  const now = Date.now();
  const active = invites?.filter((i) => i.status === 'active') ?? [];
  // Revoked links are left out; ended ones stay a month at most (no link lives longer), so the list keeps short.
  const ended = (invites ?? []).flatMap((i) => {
    const why = endedText(i);
    return why !== null && i.createdAt > now - MAX_INVITE_LIFETIME_MS ? [{ invite: i, why }] : [];
  });

  return (
    <div className="invite-links">
      <h3 id={`${ids}-active`}>Active invite links</h3>
      <p className="small muted">
        The whole link is shown only once, when it is made: its key never reaches the server, so it cannot be shown again. Each link starts
        with the code shown here after join#.
      </p>
      <ErrorAlert message={loadError ?? error} />
      <StatusNotice busy={busy !== null}>{busy ?? done}</StatusNotice>
      {invites === null ? (
        loadError ? null : <p className="small muted">Loading invite links…</p>
      ) : active.length === 0 ? (
        <p className="small muted">No invite link works right now.</p>
      ) : null}
      {active.length > 0 ? (
        <ul className="invite-link-list" aria-labelledby={`${ids}-active`}>
          {active.map((invite) => {
            const label = `on ${when(invite.createdAt)} by ${whoMade(invite)}`;
            return (
              <li key={invite.id}>
                <span className="invite-link-facts">
                  <span>
                    <code className="invite-tag">join#{tagOf(invite)}…</code>
                    {invite.id === justMade ? <span className="role-badge">The link above</span> : null}
                  </span>
                  <span className="small">Made {label}</span>
                  <span className="small">Works until {when(invite.expiresAt)}</span>
                  <span className="small">
                    {invite.uses} of {invite.maxUses} used
                  </span>
                </span>
                <button
                  type="button"
                  className="button danger small"
                  aria-label={`Revoke the link made ${label}, starting ${tagOf(invite)}`}
                  disabled={busy !== null}
                  onClick={() => void revoke(invite, label)}
                >
                  Revoke
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {ended.length > 0 ? (
        <>
          <h3 id={`${ids}-ended`}>Ended invite links</h3>
          <ul className="invite-link-list" aria-labelledby={`${ids}-ended`}>
            {ended.map(({ invite, why }) => (
              <li key={invite.id}>
                <span className="invite-link-facts">
                  <code className="invite-tag">join#{tagOf(invite)}…</code>
                  <span className="small">
                    Made on {when(invite.createdAt)} by {whoMade(invite)}
                  </span>
                  <span className="small">{why}</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
