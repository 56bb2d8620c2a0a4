'use client';
// Posting a thread: a need, an offer or a discussion, with its first message.
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { FOUNDING_CHANNEL_ID, MAX_BODY_LENGTH, type Channel, type ThreadKind } from '../../../lib/docs';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { FormFooter } from '../../_components/form-footer';
import { KIND_LABEL, KINDS } from './labels';

const KIND_HINT: Record<ThreadKind, string> = {
  need: 'Something you are looking for',
  offer: 'Something you can give or lend',
  discussion: 'A topic to talk about',
};

export function NewThreadForm({
  engine,
  communityId,
  channels,
  channel: shown,
  onCancel,
}: {
  engine: DeviceEngine;
  communityId: string;
  channels: Channel[];
  /** The channel on screen (empty: all), which the thread goes to unless another is picked. */
  channel: string;
  onCancel: () => void;
}) {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<ThreadKind>('need');
  const [body, setBody] = useState('');
  const [channel, setChannel] = useState(() => (channels.some((c) => c.id === shown) ? shown : (channels[0]?.id ?? FOUNDING_CHANNEL_ID)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bodyId = useId();
  const channelId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (title.trim() === '') return setError('Give the thread a title.');
    if (body.trim() === '') return setError('Write the first message.');
    setBusy(true);
    setError(null);
    const posted = await engine.communities.createThread(communityId, { kind, title: title.trim(), body, channel });
    if (posted.ok) {
      router.push(`/thread/?id=${encodeURIComponent(posted.value)}`);
      return;
    }
    setBusy(false);
    setError(errorText(posted.code, { 'request.invalid': 'The thread was not accepted: keep the title under 100 characters.' }));
  }

  return (
    <form className="card new-thread" onSubmit={submit} noValidate aria-label="New thread">
      <h2>New thread</h2>
      <Field label="Title" value={title} maxLength={100} autoComplete="off" autoFocus onChange={(event) => setTitle(event.target.value)} />
      {channels.length > 1 ? (
        <div className="field">
          <label htmlFor={channelId}>Channel</label>
          <select id={channelId} value={channel} onChange={(event) => setChannel(event.target.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <fieldset className="kind-choice" role="radiogroup" aria-label="Kind">
        <legend>Kind</legend>
        {KINDS.map((k) => (
          <label key={k} className="kind-option">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            <span>
              <strong>{KIND_LABEL[k]}</strong> <span className="muted small">{KIND_HINT[k]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={bodyId}>First message</label>
        <textarea id={bodyId} rows={4} value={body} maxLength={MAX_BODY_LENGTH} onChange={(event) => setBody(event.target.value)} />
      </div>
      <FormFooter error={error} busy={busy} busyText="Posting the thread…" submitLabel="Post thread" onCancel={onCancel} />
    </form>
  );
}
