'use client';
// Privacy: who can contact me (the server enforces it), the read-receipt and typing switches (this device
// enforces them, both ways), and the people I blocked.
import { useEffect, useId, useState } from 'react';
import type { ContactPolicy, UpdatePrivacyRequest } from '../../../lib/protocol/api-privacy';
import { useEngine, useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { usePrivacy } from './use-privacy';

const CONTACT: Array<{ value: ContactPolicy; label: string; hint: string }> = [
  { value: 'everyone', label: 'Everyone', hint: 'Anyone with your handle can send you a message request.' },
  { value: 'communities', label: 'People in my communities', hint: 'Only people who share a community or a group conversation with you can send a request.' },
  { value: 'nobody_new', label: 'Nobody new', hint: 'Only people you already accepted can start conversations with you.' },
];

export function PrivacySection() {
  const engine = useEngine();
  const online = useOnline();
  const { settings: saved, blocks } = usePrivacy(engine);
  // What the person just chose shows at once; it settles to the saved value (or back, if saving failed).
  const [draft, setDraft] = useState<UpdatePrivacyRequest | null>(null);
  // Until the engine has read them nothing is checked: the section keeps its place (so nothing below it jumps when it
  // loads) without showing a value that may not be the person's.
  const settings = engine ? { ...saved, ...draft } : null;
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const contactName = useId();
  const receiptsHint = useId();
  const typingHint = useId();

  useEffect(() => {
    // Changed on another device: read it again when this screen opens.
    if (engine && online) void engine.privacy.refresh();
  }, [engine, online]);

  async function save(change: UpdatePrivacyRequest, done: string): Promise<void> {
    if (!engine) return;
    setBusy(true);
    setError(null);
    setStatus(null);
    setDraft(change);
    const result = await engine.privacy.update(change);
    setDraft(null);
    setBusy(false);
    if (result.ok) setStatus(done);
    else setError(result.code === 'network.offline' ? 'Privacy settings can be changed only while online.' : errorText(result.code));
  }

  async function unblock(accountId: string, name: string): Promise<void> {
    if (!engine) return;
    setError(null);
    const result = await engine.privacy.unblock(accountId);
    if (result.ok) setStatus(`Unblocked ${name}.`);
    else setError(errorText(result.code));
  }

  return (
    <section className="card wide" id="privacy" aria-labelledby="privacy-title">
      <h2 id="privacy-title">Privacy</h2>
      <fieldset className="radio-group" role="radiogroup" aria-labelledby={contactName} disabled={busy || !settings}>
        <legend id={contactName}>Who can contact me</legend>
        {CONTACT.map((option) => (
          <label key={option.value} className="radio-option">
            <input
              type="radio"
              name="contact"
              value={option.value}
              checked={settings?.contact === option.value}
              onChange={() => void save({ contact: option.value }, `Who can contact you: ${option.label}.`)}
            />
            <span>
              <span className="option-label">{option.label}</span>
              <span className="muted small option-hint">{option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="switch-row">
        <label className="toggle-label">
          <input
            type="checkbox"
            role="switch"
            checked={settings?.readReceipts ?? false}
            disabled={busy || !settings}
            aria-describedby={receiptsHint}
            onChange={(event) =>
              void save({ readReceipts: event.target.checked }, event.target.checked ? 'Read receipts are on.' : 'Read receipts are off.')
            }
          />
          <span>Send read receipts</span>
        </label>
        <p id={receiptsHint} className="muted small">
          When off, nobody sees when you have read their messages, and you do not see when they read yours.
        </p>
      </div>
      <div className="switch-row">
        <label className="toggle-label">
          <input
            type="checkbox"
            role="switch"
            checked={settings?.typing ?? false}
            disabled={busy || !settings}
            aria-describedby={typingHint}
            onChange={(event) => void save({ typing: event.target.checked }, event.target.checked ? 'Typing is shown.' : 'Typing is hidden.')}
          />
          <span>Show typing</span>
        </label>
        <p id={typingHint} className="muted small">
          When off, nobody sees you typing, and you do not see others typing.
        </p>
      </div>
      <h3 id="blocked-title">Blocked people</h3>
      {!settings ? (
        // About as long as the text it gives way to, so that the sections below stay where they are.
        <p className="muted">Loading your block list… Block someone from a message request or a conversation’s Options.</p>
      ) : blocks.length === 0 ? (
        <p className="muted">You have not blocked anyone. Block someone from a message request or a conversation’s Options.</p>
      ) : (
        <ul className="block-list" aria-labelledby="blocked-title">
          {blocks.map((b) => (
            <li key={b.accountId}>
              <span>
                {b.displayName} <span className="muted">@{b.handle}</span>
              </span>
              <button type="button" className="button secondary small" aria-label={`Unblock ${b.displayName}`} onClick={() => void unblock(b.accountId, b.displayName)}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
      <StatusNotice>{status}</StatusNotice>
      <ErrorAlert message={error} />
    </section>
  );
}
