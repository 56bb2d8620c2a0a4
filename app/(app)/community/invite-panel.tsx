'use client';
// An invite link for the current members' key: the secret is in the fragment, which browsers never send.
import { useRef, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function InvitePanel({ engine, communityId }: { engine: DeviceEngine; communityId: string }) {
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLInputElement>(null);

  async function invite() {
    if (busy) return;
    setBusy(true);
    setError(null);
    setCopied(false);
    const made = await engine.discovery.createInvite(communityId);
    setBusy(false);
    if (!made.ok) return setError(errorText(made.code, { 'community.not_allowed': 'Only the owner and moderators can invite by link.' }));
    setLink(`${window.location.origin}${made.value.link}`);
    requestAnimationFrame(() => box.current?.select());
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard permission: the link stays selected in the box to copy by hand.
      box.current?.select();
      setError('Copying was not allowed here: the link is selected, copy it with your keyboard.');
    }
  }

  return (
    <section className="card invite-panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite people</h2>
      <p className="small muted">
        Anyone with the link can join for 7 days (up to 50 people). Send it privately: the part after # is the key.
      </p>
      <button type="button" className="button secondary" onClick={() => void invite()} disabled={busy}>
        Invite
      </button>
      <StatusNotice busy={busy}>{busy ? 'Making an invite link…' : null}</StatusNotice>
      <ErrorAlert message={error} />
      {link ? (
        <div className="field">
          <label htmlFor="invite-link">Invite link</label>
          <div className="input-with-button">
            <input id="invite-link" ref={box} type="text" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
            <button type="button" className="button ghost small" onClick={() => void copy()}>
              Copy
            </button>
          </div>
          <p className="hint" role="status">
            {copied ? 'Copied.' : ''}
          </p>
        </div>
      ) : null}
    </section>
  );
}
