'use client';
// The community's settings on its home: the directory listing (owner) and whether new members see earlier
// posts (owner and moderators set it; members read it).
import { useSearchParams } from 'next/navigation';
import { useId, useState } from 'react';
import type { ClientResult } from '../../../lib/client/client-errors';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { HistoryVisibility } from '../../../lib/docs';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { HISTORY_OPTIONS } from './history-options';

export function CommunitySettings({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const listingFailed = useSearchParams().get('listing') === 'failed';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(listingFailed ? 'The community was created, but listing it in the directory failed. Try again here.' : null);
  const [status, setStatus] = useState<string | null>(null);
  // What was just chosen shows at once; the community's own state takes over once the change is saved (or failed).
  const [choosingListed, setChoosingListed] = useState<boolean | null>(null);
  const [choosingHistory, setChoosingHistory] = useState<HistoryVisibility | null>(null);
  const ids = useId();
  const isOwner = state.myRole === 'owner';
  const mayModerate = state.myRole !== 'member';
  const listing = state.listing;
  const stale = listing !== null && (listing.name !== state.name.trim() || listing.description !== state.description.trim());
  if (state.invited) return null;

  async function run(work: () => Promise<ClientResult<void>>, success: string) {
    setBusy(true);
    setError(null);
    setStatus(null);
    const result = await work();
    setBusy(false);
    setChoosingListed(null);
    setChoosingHistory(null);
    if (!result.ok) return setError(errorText(result.code));
    setStatus(success);
  }

  const setListed = (on: boolean) => {
    setChoosingListed(on);
    return run(
      () => (on ? engine.discovery.publish(state.id) : engine.discovery.unpublish(state.id)),
      on ? 'Listed in the public directory.' : 'Removed from the public directory.',
    );
  };
  const setHistory = (value: HistoryVisibility) => {
    setChoosingHistory(value);
    return run(
      () => engine.discovery.setHistory(state.id, value),
      value === 'joined' ? 'New members will see only posts from when they join.' : 'New members will see earlier posts too.',
    );
  };

  return (
    <section className="card community-settings" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Community settings</h2>
      <h3 id={`${ids}-directory`}>Directory listing</h3>
      {isOwner ? (
        <div className="switch-row">
          <label className="toggle-label">
            <input
              type="checkbox"
              role="switch"
              checked={choosingListed ?? listing !== null}
              disabled={busy}
              aria-describedby={`${ids}-directory-hint`}
              onChange={(event) => void setListed(event.target.checked)}
            />
            <span>List in the public directory</span>
          </label>
          <p id={`${ids}-directory-hint`} className="muted small">
            When listed, anyone signed in can find this community by name and read its name and description: those two
            become public. Posts, threads and members stay private, and people still join only by invitation.
          </p>
        </div>
      ) : (
        <p className="muted small">{listing ? 'Listed in the public directory by the owner.' : 'Not listed in the public directory.'}</p>
      )}
      {isOwner && stale ? (
        <p className="small">
          The directory shows an older name or description.{' '}
          <button type="button" className="button ghost small" disabled={busy} onClick={() => void setListed(true)}>
            Update listing
          </button>
        </p>
      ) : null}
      <fieldset className="radio-group" role="radiogroup" aria-labelledby={`${ids}-history`} disabled={busy || !mayModerate}>
        <legend id={`${ids}-history`}>New members see</legend>
        {HISTORY_OPTIONS.map((option) => (
          <label key={option.value} className="radio-option">
            <input
              type="radio"
              name={`${ids}-history`}
              value={option.value}
              checked={(choosingHistory ?? state.history) === option.value}
              onChange={() => void setHistory(option.value)}
            />
            <span>
              <span className="option-label">{option.label}</span>
              <span className="muted small option-hint">{option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {mayModerate ? null : <p className="muted small">The owner and moderators choose this.</p>}
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Saving…' : status}</StatusNotice>
    </section>
  );
}
