'use client';
// One thread of a community: its title, kind and status, the first post and the replies, and Mark resolved for
// its author and the community's moderators. Reached as /thread/?id=<thread id>.
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { Composer } from '../c/composer';
import type { ListedMessage } from '../c/message-surface';
import { MessageList } from '../c/message-list';
import { KIND_LABEL, STATUS_LABEL } from '../community/labels';
import { useCommunity, useListed } from '../community/use-community';
import { useOpenThread } from './use-open-thread';

const noop = () => undefined;
const none = () => Promise.resolve(false);

export function ThreadScreen() {
  const threadId = useSearchParams().get('id');
  const engine = useEngine();
  const listed = useListed(engine, threadId);
  const communityId = engine && threadId ? (engine.communities.view(threadId)?.id ?? null) : null;
  const { state } = useCommunity(engine, communityId);
  const { thread, posts, loaded, failed } = useOpenThread(engine, threadId, listed);
  const [replyingTo, setReplyingTo] = useState<ListedMessage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [seenCommunity, setSeenCommunity] = useState<string | null>(null);
  if (communityId && communityId !== seenCommunity) setSeenCommunity(communityId);

  if (engine === null) return <StatusNotice busy>Opening the thread…</StatusNotice>;
  if (!threadId || (!listed && !loaded)) {
    return (
      <>
        <h1>Thread not found</h1>
        <EmptyState title="This thread is not on this device">
          <p>You may have left its community or been removed, or the link is incomplete.</p>
          <p>
            <Link href="/communities/">Back to your communities</Link>
          </p>
        </EmptyState>
      </>
    );
  }

  const entry = state?.threads.find((t) => t.id === threadId) ?? null;
  const myKey = state?.members.find((m) => m.accountId === engine.accountId)?.signingPublicKey ?? null;
  const mayResolve = entry !== null && state !== null && (entry.author === myKey || state.myRole !== 'member');
  const backHref = seenCommunity ? `/community/?id=${encodeURIComponent(seenCommunity)}` : '/communities/';

  async function setStatus(status: 'open' | 'resolved') {
    if (!state || !threadId || busy) return;
    setBusy(true);
    setError(null);
    const set = await engine!.communities.setThreadStatus(state.id, threadId, status);
    setBusy(false);
    if (!set.ok) setError(errorText(set.code, { 'community.not_allowed': 'Only the author and moderators can change the status.' }));
  }

  return (
    <section className="chat thread" aria-labelledby="chat-title">
      <header className="chat-header">
        <Link href={backHref} className="button ghost small chat-back" aria-label={state ? `Back to ${state.name}` : 'Back to the community'}>
          <span aria-hidden="true">←</span>
        </Link>
        <div className="chat-heading">
          <h1 id="chat-title">{entry?.title ?? 'Thread'}</h1>
          {/* The line is there before the thread is, so the header keeps its height (and the back link its place). */}
          <p className="thread-meta small">
            {entry ? (
              <>
                <span className={`kind-badge ${entry.kind}`}>{KIND_LABEL[entry.kind]}</span>
                <span className={`status-badge ${entry.status}`}>{STATUS_LABEL[entry.status]}</span>
                {state ? <span className="muted">in {state.name}</span> : null}
              </>
            ) : loaded || failed ? null : (
              <span className="muted">Opening…</span>
            )}
          </p>
        </div>
        {mayResolve && listed ? (
          entry.status === 'open' ? (
            <button type="button" className="button secondary small" disabled={busy} onClick={() => void setStatus('resolved')}>
              Mark resolved
            </button>
          ) : (
            <button type="button" className="button ghost small" disabled={busy} onClick={() => void setStatus('open')}>
              Reopen
            </button>
          )
        ) : null}
      </header>
      {listed ? null : (
        <p className="notice warning">
          You are no longer a member of this community. What you already had stays here; nothing written from now on reaches you.
        </p>
      )}
      <ErrorAlert message={error ?? (failed ? 'This thread could not be opened on this device. Reload the page to try again.' : null)} />
      {loaded ? (
        <MessageList
          messages={posts}
          // A thread is read whole: every post is listed.
          total={posts.length}
          docId={threadId}
          emptyText="No posts on this device yet."
          conversation={thread}
          isGroup
          myKey={myKey}
          hasOlder={false}
          onLoadOlder={noop}
          reveal={none}
          onReply={setReplyingTo}
          focusMessageId={null}
        />
      ) : (
        <div className="chat-body">
          <StatusNotice busy>Decrypting the thread…</StatusNotice>
        </div>
      )}
      {listed ? <Composer conversation={thread} replyingTo={replyingTo} onReplied={() => setReplyingTo(null)} /> : null}
    </section>
  );
}
