'use client';
// Founding a community: its name and description live only in its encrypted document.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function NewCommunityForm({ engine, onCancel }: { engine: DeviceEngine; onCancel: () => void }) {
  const router = useRouter();
  const online = useOnline();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') return setError('Give the community a name.');
    setBusy(true);
    setError(null);
    const result = await engine.communities.create({ name: name.trim(), description: description.trim() });
    if (result.ok) {
      router.push(`/community/?id=${encodeURIComponent(result.value)}`);
      return;
    }
    setBusy(false);
    setError(errorText(result.code, { 'input.title_invalid': 'Keep the name between 1 and 100 characters.' }));
  }

  return (
    <form className="card new-conversation" onSubmit={submit} noValidate aria-label="New community">
      <h2>New community</h2>
      {online ? null : <p className="notice warning">You need a connection to create a community.</p>}
      <Field label="Community name" value={name} maxLength={100} autoComplete="off" autoFocus onChange={(event) => setName(event.target.value)} />
      <Field
        label="Description"
        hint="Optional. Seen only by members: the name and description are end-to-end encrypted and never listed publicly."
        value={description}
        maxLength={500}
        autoComplete="off"
        onChange={(event) => setDescription(event.target.value)}
      />
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Creating the community…' : null}</StatusNotice>
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          Create community
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
