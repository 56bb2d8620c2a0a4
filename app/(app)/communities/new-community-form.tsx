'use client';
// Founding a community: its name and description live only in its encrypted document, unless the founder lists
// it in the public directory; and whether newcomers see what was posted before they joined.
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import type { HistoryVisibility } from '../../../lib/docs';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { FormFooter } from '../../_components/form-footer';
import { HISTORY_OPTIONS } from '../community/history-options';

export function NewCommunityForm({ engine, onCancel }: { engine: DeviceEngine; onCancel: () => void }) {
  const router = useRouter();
  const online = useOnline();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [listed, setListed] = useState(false);
  const [history, setHistory] = useState<HistoryVisibility>('all');
  const listedHint = useId();
  const historyName = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (name.trim() === '') return setError('Give the community a name.');
    setBusy(true);
    setError(null);
    const result = await engine.communities.create({ name: name.trim(), description: description.trim(), history });
    if (result.ok) {
      // The community exists either way; a listing that failed can be made from its home (Directory listing).
      const published = listed ? await engine.discovery.publish(result.value) : null;
      const failed = published !== null && !published.ok;
      router.push(`/community/?id=${encodeURIComponent(result.value)}${failed ? '&listing=failed' : ''}`);
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
        hint="Optional. Seen only by members: the name and description are end-to-end encrypted, unless you list the community below."
        value={description}
        maxLength={500}
        autoComplete="off"
        onChange={(event) => setDescription(event.target.value)}
      />
      <div className="switch-row">
        <label className="toggle-label">
          <input type="checkbox" checked={listed} aria-describedby={listedHint} onChange={(event) => setListed(event.target.checked)} />
          <span>List in the public directory</span>
        </label>
        <p id={listedHint} className="muted small">
          Anyone signed in can then find the community by its name and read its name and description: these two become
          public. Posts, threads and members stay private. Leave this off for a private community: it is never listed.
          People join only through an invitation either way.
        </p>
      </div>
      <fieldset className="radio-group" role="radiogroup" aria-labelledby={historyName}>
        <legend id={historyName}>New members see</legend>
        {HISTORY_OPTIONS.map((option) => (
          <label key={option.value} className="radio-option">
            <input type="radio" name="history" value={option.value} checked={history === option.value} onChange={() => setHistory(option.value)} />
            <span>
              <span className="option-label">{option.label}</span>
              <span className="muted small option-hint">{option.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormFooter error={error} busy={busy} busyText="Creating the community…" submitLabel="Create community" onCancel={onCancel} />
    </form>
  );
}
