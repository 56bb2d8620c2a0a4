'use client';
// Accept, Decline, Block for one message request: on the Message requests screen and in the conversation.
// Declining tells the sender nothing; blocking also stops them reaching me (the server enforces it).
import { useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { ErrorAlert } from '../../_components/notice';
import { errorText } from '../../_components/error-text';

export function RequestActions({
  engine,
  docId,
  name,
  onDone,
}: {
  engine: DeviceEngine;
  docId: string;
  /** Who sent it, for the buttons' descriptions. */
  name: string;
  onDone?(outcome: 'accepted' | 'declined' | 'blocked'): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(outcome: 'accepted' | 'declined' | 'blocked'): Promise<void> {
    setBusy(true);
    setError(null);
    const result =
      outcome === 'accepted'
        ? await engine.conversations.accept(docId)
        : await engine.decline(docId, { block: outcome === 'blocked' });
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.code));
      return;
    }
    onDone?.(outcome);
  }

  return (
    <div className="request-actions">
      <div className="actions">
        <button type="button" className="button primary small" disabled={busy} onClick={() => void act('accepted')} title={`Accept and reply to ${name}`}>
          Accept
        </button>
        <button type="button" className="button secondary small" disabled={busy} onClick={() => void act('declined')} title={`Remove the request; ${name} is not told`}>
          Decline
        </button>
        <button type="button" className="button danger small" disabled={busy} onClick={() => void act('blocked')} title={`Remove the request and block ${name}`}>
          Block
        </button>
      </div>
      <ErrorAlert message={error} />
    </div>
  );
}
