'use client';
// An invite link for the current members' key: the secret is in the fragment, which browsers never send. The maker
// chooses how long it works and for how many people; below, the links made so far, to see and revoke.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { MAX_INVITE_LIFETIME_MS } from '../../../lib/protocol/api-communities';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { InviteLinks } from './invite-links';

const DAY_MS = 24 * 60 * 60 * 1000;
// Within what the server takes (MAX_INVITE_LIFETIME_MS, MAX_INVITE_USES); the defaults are the middle ones.
const LIFETIMES = [
  { label: '1 day', ms: DAY_MS },
  { label: '7 days', ms: 7 * DAY_MS },
  { label: '30 days', ms: MAX_INVITE_LIFETIME_MS },
] as const;
const USES = [1, 10, 50, 100] as const;
const DEFAULT_LIFETIME = 1;
const DEFAULT_USES = 50;

const people = (n: number) => (n === 1 ? '1 person' : `${n} people`);

export function InvitePanel({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const [lifetime, setLifetime] = useState<number>(DEFAULT_LIFETIME);
  const [maxUses, setMaxUses] = useState<number>(DEFAULT_USES);
  const [made, setMade] = useState<{ link: string; inviteId: string; summary: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  // Bumped after each new link, so the list below reads it back from the server.
  const [version, setVersion] = useState(0);
  const box = useRef<HTMLInputElement>(null);
  const ids = useId();

  async function invite(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const choice = LIFETIMES[lifetime] ?? LIFETIMES[DEFAULT_LIFETIME];
    setBusy(true);
    setError(null);
    setCopied(false);
    // The previous link stays in the list; its box goes, so no one copies it believing it is the new one.
    setMade(null);
    const result = await engine.discovery.createInvite(state.id, { ttlMs: choice.ms, maxUses });
    setBusy(false);
    if (!result.ok) return setError(errorText(result.code, { 'community.not_allowed': 'Only the owner and moderators can invite by link.' }));
    setMade({
      link: `${window.location.origin}${result.value.link}`,
      inviteId: result.value.inviteId,
      summary: `Works for ${choice.label}, for up to ${people(maxUses)}.`,
    });
    setVersion((v) => v + 1);
    requestAnimationFrame(() => box.current?.select());
  }

  async function copy() {
    if (!made) return;
    try {
      await navigator.clipboard.writeText(made.link);
      setCopied(true);
    } catch {
      // No clipboard permission: the link stays selected in the box to copy by hand.
      box.current?.select();
      setError('Copying was not allowed here: the link is selected, copy it with your keyboard.');
    }
  }

  return (
    <section className="card invite-panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Invite people</h2>
      <p className="small muted">
        Anyone with the link can join until it expires or as many people as you allow have used it. Send it privately: the part after # is the key.
      </p>
      <form className="invite-form" onSubmit={(event) => void invite(event)}>
        <label>
          <span>Link works for</span>
          <select value={lifetime} onChange={(event) => setLifetime(Number(event.target.value))} disabled={busy}>
            {LIFETIMES.map((choice, i) => (
              <option key={choice.label} value={i}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>People who can join with it</span>
          <select value={maxUses} onChange={(event) => setMaxUses(Number(event.target.value))} disabled={busy}>
            {USES.map((n) => (
              <option key={n} value={n}>
                {people(n)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button secondary" disabled={busy}>
          Invite
        </button>
      </form>
      {state.history === 'joined' ? (
        <p className="small muted">
          New members see only what is posted after they join, so each new link (or invitation by handle) changes the community’s key first: links
          made before it stop working.
        </p>
      ) : null}
      <StatusNotice busy={busy}>{busy ? 'Making an invite link…' : null}</StatusNotice>
      <ErrorAlert message={error} />
      {made ? (
        <div className="field">
          <label htmlFor={`${ids}-link`}>Invite link</label>
          <div className="input-with-button">
            <input
              id={`${ids}-link`}
              ref={box}
              type="text"
              readOnly
              value={made.link}
              aria-describedby={`${ids}-link-hint`}
              onFocus={(event) => event.currentTarget.select()}
            />
            <button type="button" className="button ghost small" onClick={() => void copy()}>
              Copy
            </button>
          </div>
          <p id={`${ids}-link-hint`} className="hint">
            {made.summary} Copy it now: this is the only time the whole link is shown.
          </p>
          <p className="hint" role="status">
            {copied ? 'Copied.' : ''}
          </p>
        </div>
      ) : null}
      <InviteLinks
        engine={engine}
        state={state}
        version={version}
        justMade={made?.inviteId ?? null}
        // A revoked link is not left on screen to be copied and sent.
        onRevoked={(inviteId) => setMade((shown) => (shown?.inviteId === inviteId ? null : shown))}
      />
    </section>
  );
}
