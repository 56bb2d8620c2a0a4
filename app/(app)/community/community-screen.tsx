'use client';
// One community: what it is, its channels, its threads (filterable by channel, kind and status), posting a thread,
// inviting, the members with their roles, leaving and deleting. Reached as /community/?id=<id>[&channel=<id>].
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import type { ThreadKind, ThreadStatus } from '../../../lib/docs';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { StatusNotice } from '../../_components/notice';
import { TimeText } from '../../_components/time-text';
import { UnreadBadge } from '../../_components/unread-badge';
import { CommunitySettings } from './community-settings';
import { DiscoveryPanels } from './discovery-panels';
import { ChannelsNav } from './channels-nav';
import { InvitePanel } from './invite-panel';
import { KIND_LABEL, KINDS, STATUS_LABEL, STATUSES } from './labels';
import { LeaveOrDelete } from './leave-or-delete';
import { MembersSection } from './members-section';
import { NewThreadForm } from './new-thread-form';
import { useCommunity } from './use-community';
import { useCommunityUnread } from './use-community-unread';

const THREAD_PAGE = 100;

export function CommunityScreen() {
  const params = useSearchParams();
  const communityId = params.get('id');
  const channel = params.get('channel') ?? '';
  const engine = useEngine();
  const [kind, setKind] = useState<ThreadKind | ''>('');
  const [status, setStatus] = useState<ThreadStatus | ''>('');
  const [posting, setPosting] = useState(false);
  // A large community lists its most recent threads first and the rest on request: thousands of rows stay out of the page.
  const [shown, setShown] = useState(THREAD_PAGE);
  const { state, missing } = useCommunity(engine, communityId, { ...(channel ? { channel } : {}), ...(kind ? { kind } : {}), ...(status ? { status } : {}) });
  const unread = useCommunityUnread(engine, communityId, state);

  if (engine === null) return <StatusNotice busy>Opening the community…</StatusNotice>;
  if (missing || !communityId) {
    return (
      <>
        <h1>Community not found</h1>
        <EmptyState title="This community is not on this device">
          <p>You may have left it or been removed, it may have been deleted, or the link is incomplete.</p>
          <p>
            <Link href="/communities/">Back to your communities</Link>
          </p>
        </EmptyState>
      </>
    );
  }
  if (!state) return <StatusNotice busy>Decrypting the community…</StatusNotice>;

  const filtered = channel !== '' || kind !== '' || status !== '';
  return (
    <div className="community">
      <p>
        <Link href="/communities/" className="back-link">
          <span aria-hidden="true">← </span>Communities
        </Link>
      </p>
      <header className="community-header">
        <h1>{state.name || 'Community'}</h1>
        {state.description ? <p className="community-description">{state.description}</p> : null}
        <p className="muted small">
          {state.members.length} {state.members.length === 1 ? 'member' : 'members'} · end-to-end encrypted
        </p>
      </header>
      <DiscoveryPanels engine={engine} state={state} />
      <section className="community-threads" aria-labelledby="threads-title">
        <div className="page-header">
          <h2 id="threads-title">Threads</h2>
          <button type="button" className="button primary" aria-expanded={posting} onClick={() => setPosting((on) => !on)}>
            New thread
          </button>
        </div>
        <ChannelsNav engine={engine} state={state} selected={channel} unread={unread} />
        {posting ? <NewThreadForm engine={engine} communityId={state.id} channels={state.channels} channel={channel} onCancel={() => setPosting(false)} /> : null}
        <div className="thread-filters">
          <label>
            <span>Show kind</span>
            <select value={kind} onChange={(event) => setKind(event.target.value as ThreadKind | '')}>
              <option value="">All kinds</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Show status</span>
            <select value={status} onChange={(event) => setStatus(event.target.value as ThreadStatus | '')}>
              <option value="">Open and resolved</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABEL[s]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {state.threads.length === 0 ? (
          <p className="muted">{filtered ? 'No threads match these filters.' : 'No threads yet. Post what you need or can offer.'}</p>
        ) : null}
        <ul className="thread-list" aria-label="Threads">
          {state.threads.slice(0, shown).map((t) => (
            <li key={t.id}>
              <Link href={`/thread/?id=${encodeURIComponent(t.id)}`} className="thread-link">
                <span className="thread-title-row">
                  <span className="thread-title">{t.title}</span>
                  <UnreadBadge count={unread.threads[t.id] ?? 0} />
                </span>
                <span className="thread-meta small">
                  {channel === '' && state.channels.length > 1 ? (
                    <span className="channel-badge"># {state.channels.find((c) => c.id === t.channel)?.name ?? 'Other'}</span>
                  ) : null}
                  <span className={`kind-badge ${t.kind}`}>{KIND_LABEL[t.kind]}</span>
                  <span className={`status-badge ${t.status}`}>{STATUS_LABEL[t.status]}</span>
                  <span className="muted">
                    {engine.communities.nameOf(state.id, t.author)} · <TimeText at={t.lastActivity} />
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
        {state.threads.length > shown ? (
          <button type="button" className="button ghost" onClick={() => setShown((n) => n + THREAD_PAGE)}>
            Show more threads ({state.threads.length - shown} more)
          </button>
        ) : null}
      </section>
      {/* After the threads, with the members: what people come for is on top, and the invite links, which load
          from the server after the page shows, do not push the channels and threads down under the pointer. */}
      {state.myRole === 'member' ? null : <InvitePanel engine={engine} state={state} />}
      <MembersSection engine={engine} state={state} />
      <CommunitySettings engine={engine} state={state} />
      <LeaveOrDelete engine={engine} state={state} />
    </div>
  );
}
