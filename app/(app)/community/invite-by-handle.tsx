'use client';
// Inviting one person by handle (owner or moderator): the community key is sealed to their own key, and they
// see an invitation to accept or decline. Their contact settings and blocks decide whether they can be asked.
import { useId, useState, type FormEvent } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function InviteByHandle({ engine, communityId }: { engine: DeviceEngine; communityId: string }) {
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const typed = handle.trim().replace(/^@/, '');
    if (typed === '') return setError('Type the handle of the person to invite.');
    setBusy(true);
    setError(null);
    setDone(null);
    const result = await engine.discovery.inviteByHandle(communityId, typed);
    setBusy(false);
    if (!result.ok) {
      return setError(
        errorText(result.code, {
          'account.not_found': `Nobody has the handle @${typed}. Check the spelling.`,
          'community.cannot_invite': `You cannot invite @${typed}: their contact settings or a block do not allow it.`,
          'community.already_member': `@${typed} is already a member, or already invited.`,
          'community.not_allowed': 'Only the owner and moderators can invite people.',
          'input.only_own_handle': 'That is your own handle.',
          'doc.wrong_epoch': 'The community’s key changed meanwhile. Try again.',
        }),
      );
    }
    setHandle('');
    setDone(`Invited @${typed}. They will see the invitation under Communities.`);
  }

  return (
    <section className="card" aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>Invite by handle</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>Handle to invite</label>
          <p id={hintId} className="hint">
            They get an invitation to accept or decline, and can look at the community before they answer.
          </p>
          <div className="input-with-button">
            <input
              id={inputId}
              type="text"
              value={handle}
              maxLength={33}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-describedby={hintId}
              onChange={(event) => setHandle(event.target.value)}
            />
            <button type="submit" className="button secondary" disabled={busy}>
              Send invitation
            </button>
          </div>
        </div>
      </form>
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Inviting…' : done}</StatusNotice>
    </section>
  );
}
