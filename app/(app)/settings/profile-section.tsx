'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { useClient, useSession } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function ProfileSection() {
  const client = useClient();
  const session = useSession();
  const current = session.status === 'signed-in' ? session.account.displayName : '';
  const [displayName, setDisplayName] = useState(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  // Follow changes made elsewhere (another device, via the account refresh) until the person edits.
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!touched) setDisplayName(current);
  }, [current, touched]);

  if (session.status !== 'signed-in') return null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!client || busy) return;
    setError(null);
    setSaved(null);
    setBusy(true);
    const result = await client.account.updateDisplayName(displayName);
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.code));
      return;
    }
    setTouched(false);
    setSaved('Display name saved.');
  }

  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <dl className="facts">
        <dt>Handle</dt>
        <dd>@{session.account.handle}</dd>
      </dl>
      <form onSubmit={onSubmit} noValidate className="inline-form" aria-busy={busy}>
        <Field
          label="Display name"
          name="displayName"
          autoComplete="nickname"
          maxLength={64}
          value={displayName}
          onChange={(e) => {
            setTouched(true);
            setDisplayName(e.target.value);
          }}
          hint="Shown next to your messages and in other people's member lists."
        />
        <button type="submit" className="button secondary" aria-disabled={busy}>
          Save
        </button>
      </form>
      <ErrorAlert message={error} />
      <StatusNotice>{saved}</StatusNotice>
    </section>
  );
}
