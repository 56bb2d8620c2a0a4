'use client';
// Renaming a group: the name lives in the encrypted inner document, so the server never learns it.
import { useState, type FormEvent } from 'react';
import type { OpenConversation } from '../../../lib/client/engine/engine';
import { Field } from '../../_components/field';
import { ErrorAlert } from '../../_components/notice';

export function RenameForm({ conversation, title }: { conversation: OpenConversation | null; title: string }) {
  const [name, setName] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!conversation) return;
    const wanted = name.trim();
    if (wanted === '' || wanted.length > 100) return setError('Keep the group name between 1 and 100 characters.');
    const renamed = await conversation.rename(wanted);
    if (!renamed.ok) return setError('The group could not be renamed. Try again.');
    setError(null);
    setDone(`Renamed to ${wanted}.`);
  }

  return (
    <form className="inline-form rename-group" onSubmit={(event) => void submit(event)} noValidate aria-label="Rename the group">
      <Field label="Group name" value={name} maxLength={100} onChange={(event) => setName(event.target.value)} autoComplete="off" />
      <button type="submit" className="button secondary" disabled={conversation === null}>
        Rename
      </button>
      <ErrorAlert message={error} />
      {/* Polite, but not a second `status` in the dialog: the membership notice below is that. */}
      <p className="muted small" aria-live="polite">
        {done}
      </p>
    </form>
  );
}
