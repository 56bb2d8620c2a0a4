'use client';
// One conversation: its messages, the composer, and the members. Reached as /c/?id=<document id>.
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { ListedMessage } from './message-surface';
import type { ConversationView } from '../../../lib/protocol/api-docs';
import { useEngine, useOnline } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { Composer } from './composer';
import { ConsentBanner } from './consent-banner';
import { ConversationOptions } from './conversation-options';
import { MembersDialog } from './members-dialog';
import { KeyWarningBanner } from './key-warning-banner';
import { MessageList } from './message-list';
import { TypingIndicator } from './typing-indicator';
import { useOpenConversation } from './use-open-conversation';

interface Membership {
  view: ConversationView | undefined;
  title: string;
  /** Known at some point on this screen, then gone from the list: removed, or left elsewhere. */
  gone: boolean;
}

type Seen = { docId: string | null; view: ConversationView | undefined; title: string };

function readMembership(engine: DeviceEngine | null, docId: string | null, seen: { current: Seen }): Membership {
  if (!engine || !docId) return { view: undefined, title: '', gone: false };
  const view = engine.conversations.view(docId);
  const before = seen.current.docId === docId ? seen.current : null;
  if (view) {
    const title = engine.conversations.list().find((c) => c.id === docId)?.title ?? engine.conversations.titleOf(view);
    seen.current = { docId, view, title };
    return { view, title, gone: false };
  }
  // Keep showing who it was with after being removed.
  return before?.view ? { view: before.view, title: before.title, gone: true } : { view: undefined, title: '', gone: false };
}

function useMembership(engine: DeviceEngine | null, docId: string | null): Membership {
  const seen = useRef<Seen>({ docId: null, view: undefined, title: '' });
  const [membership, setMembership] = useState<Membership>(() => readMembership(engine, docId, seen));
  useEffect(() => {
    setMembership(readMembership(engine, docId, seen));
    if (!engine) return;
    return engine.conversations.subscribe(() => setMembership(readMembership(engine, docId, seen)));
  }, [engine, docId]);
  return membership;
}

export function ConversationScreen() {
  const params = useSearchParams();
  const docId = params.get('id');
  const focusMessageId = params.get('m');
  const engine = useEngine();
  const online = useOnline();
  const { view, title, gone } = useMembership(engine, docId);
  const member = view !== undefined && !gone;
  const { conversation, messages, total, loaded, failed, hasOlder, loadOlder, reveal } = useOpenConversation(engine, docId, member, online);
  const [membersOpen, setMembersOpen] = useState(false);
  const [replyingTo, setReplyingTo] = useState<ListedMessage | null>(null);
  // Verifying someone changes what the banner says without any change to the conversation itself.
  const [, setVerifications] = useState(0);

  if (engine === null) return <StatusNotice busy>Opening the conversation…</StatusNotice>;
  if (!docId || !view) {
    return (
      <>
        <h1>Conversation not found</h1>
        <EmptyState title="This conversation is not on this device">
          <p>You may have left it or been removed, or the link is incomplete.</p>
          <p>
            <Link href="/home/">Back to your conversations</Link>
          </p>
        </EmptyState>
      </>
    );
  }

  const others = view.members.filter((m) => m.accountId !== engine.accountId);
  const myKey = view.members.find((m) => m.accountId === engine.accountId)?.signingPublicKey ?? null;
  const warnings = member ? engine.keyWarnings(docId) : [];
  const subtitle = gone
    ? 'You are no longer a member'
    : view.kind === 'group'
      ? `${view.members.length} members · end-to-end encrypted`
      : `${others[0]?.handle ? `@${others[0].handle}` : 'Direct conversation'} · end-to-end encrypted`;

  return (
    <section className="chat" aria-labelledby="chat-title">
      <header className="chat-header">
        <Link href="/home/" className="button ghost small chat-back" aria-label="Back to conversations">
          <span aria-hidden="true">←</span>
        </Link>
        <div className="chat-heading">
          <h1 id="chat-title">{title}</h1>
          <p className="muted small">{subtitle}</p>
        </div>
        {member ? (
          <button type="button" className="button secondary small" aria-haspopup="dialog" onClick={() => setMembersOpen(true)}>
            Members
          </button>
        ) : null}
      </header>
      {member && !view.request ? <ConversationOptions engine={engine} view={view} title={title} /> : null}
      {member ? <ConsentBanner engine={engine} view={view} title={title} conversation={conversation} /> : null}
      {gone ? (
        <p className="notice warning">
          You are no longer a member of this conversation. What you already had stays here; nothing written from now on
          reaches you.
        </p>
      ) : null}
      <KeyWarningBanner warnings={warnings} onReview={() => setMembersOpen(true)} />
      <ErrorAlert message={failed ? 'This conversation could not be opened on this device. Reload the page to try again.' : null} />
      {loaded || gone ? (
        <MessageList
          messages={messages}
          total={total}
          docId={docId}
          emptyText={online ? 'No messages yet. Say hello!' : 'No messages on this device yet.'}
          conversation={conversation}
          isGroup={view.kind === 'group'}
          myKey={myKey}
          hasOlder={hasOlder}
          onLoadOlder={loadOlder}
          reveal={reveal}
          onReply={setReplyingTo}
          focusMessageId={focusMessageId}
        />
      ) : (
        <div className="chat-body">
          <StatusNotice busy>Decrypting messages…</StatusNotice>
        </div>
      )}
      <TypingIndicator conversation={conversation} />
      {gone || view.request ? null : <Composer conversation={conversation} replyingTo={replyingTo} onReplied={() => setReplyingTo(null)} />}
      {member ? (
        <MembersDialog
          engine={engine}
          view={view}
          conversation={conversation}
          open={membersOpen}
          onClose={() => setMembersOpen(false)}
          onVerified={() => setVerifications((n) => n + 1)}
        />
      ) : null}
    </section>
  );
}
