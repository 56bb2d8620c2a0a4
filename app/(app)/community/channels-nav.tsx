'use client';
// The community's channels as links (the chosen one is in the address, `&channel=<id>`, so it survives a reload),
// and for the owner and moderators a form to add one. Only channels signed by an owner or moderator are listed.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { UnreadBadge } from '../../_components/unread-badge';
import type { CommunityUnread } from './use-community-unread';

export const channelHref = (communityId: string, channel: string) =>
  `/community/?id=${encodeURIComponent(communityId)}${channel ? `&channel=${encodeURIComponent(channel)}` : ''}`;

export function ChannelsNav({ engine, state, selected, unread }: { engine: DeviceEngine; state: CommunityState; selected: string; unread: CommunityUnread }) {
  const router = useRouter();
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mayAdd = state.myRole !== 'member';

  async function add(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const wanted = name.trim();
    if (wanted === '') return setError('Give the channel a name.');
    if (state.channels.some((c) => c.name.toLowerCase() === wanted.toLowerCase())) return setError(`There is a channel called ${wanted} already.`);
    setBusy(true);
    setError(null);
    const added = await engine.communityAdmin.addChannel(state.id, wanted);
    setBusy(false);
    if (!added.ok) return setError(errorText(added.code, { 'input.title_invalid': 'Use a channel name of 1 to 60 characters.' }));
    setName('');
    setAdding(false);
    router.push(channelHref(state.id, added.value.id));
  }

  // One channel and no way to add another: nothing to choose between.
  if (!mayAdd && state.channels.length <= 1 && selected === '') return null;
  return (
    <div className="channels">
      <nav aria-label="Channels">
        <ul className="channel-list">
          <li>
            <Link href={channelHref(state.id, '')} className="channel-link" aria-current={selected === '' ? 'page' : undefined}>
              All channels
              <UnreadBadge count={unread.total} />
            </Link>
          </li>
          {state.channels.map((c) => (
            <li key={c.id}>
              <Link href={channelHref(state.id, c.id)} className="channel-link" aria-current={selected === c.id ? 'page' : undefined}>
                <span aria-hidden="true"># </span>
                {c.name}
                <UnreadBadge count={unread.channels[c.id] ?? 0} />
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {mayAdd ? (
        <button type="button" className="button secondary small" aria-expanded={adding} onClick={() => setAdding((on) => !on)}>
          New channel
        </button>
      ) : null}
      {adding ? (
        <form className="inline-form new-channel" onSubmit={add} noValidate aria-label="New channel">
          <Field label="Channel name" value={name} maxLength={60} autoComplete="off" autoFocus onChange={(event) => setName(event.target.value)} />
          <button type="submit" className="button primary" disabled={busy}>
            Add channel
          </button>
        </form>
      ) : null}
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Adding the channel…' : null}</StatusNotice>
    </div>
  );
}
