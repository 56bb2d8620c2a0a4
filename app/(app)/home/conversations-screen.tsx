'use client';
// The Conversations screen: every conversation on this device with its decrypted last message, newest
// activity first, and the form to start a new one.
import Link from 'next/link';
import { useId, useRef, useState } from 'react';
import type { ConversationSummary } from '../../../lib/client/engine/conversations';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { useEngine, useOnline } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { TimeText } from '../../_components/time-text';
import { Avatar } from '../../_components/avatar';
import { MessageSearch } from './message-search';
import { NewConversationForm } from './new-conversation-form';
import { useConversationList } from './use-conversation-list';

export function ConversationsScreen() {
  const engine = useEngine();
  const online = useOnline();
  const list = useConversationList(engine);
  const [starting, setStarting] = useState(false);
  const formId = useId();
  const toggle = useRef<HTMLButtonElement>(null);

  return (
    <>
      <div className="page-header">
        <h1>Conversations</h1>
        <button
          ref={toggle}
          type="button"
          className="button primary"
          aria-expanded={starting}
          aria-controls={formId}
          onClick={() => setStarting((open) => !open)}
          disabled={engine === null}
        >
          New conversation
        </button>
      </div>
      <div id={formId}>{starting && engine ? <NewConversationForm
            engine={engine}
            onCancel={() => {
              setStarting(false);
              toggle.current?.focus();
            }}
          /> : null}</div>
      {engine !== null && list.length > 0 ? <MessageSearch engine={engine} /> : null}
      {engine === null ? (
        <StatusNotice busy>Opening your conversations…</StatusNotice>
      ) : list.length === 0 ? (
        <EmptyState title="No conversations yet" icon={<NavIcon name="conversations" />}>
          <p>
            Conversations you start or are added to appear here, end-to-end encrypted and readable offline. To start one,
            choose New conversation and enter the other person&apos;s handle.
          </p>
          {online ? null : <p>You are offline, so conversations started elsewhere will show up once you reconnect.</p>}
        </EmptyState>
      ) : (
        <ul className="conversation-list" aria-label="Conversations">
          {list.map((conversation) => (
            <ConversationItem key={conversation.id} conversation={conversation} engine={engine} />
          ))}
        </ul>
      )}
    </>
  );
}

function ConversationItem({ conversation, engine }: { conversation: ConversationSummary; engine: DeviceEngine }) {
  const last = conversation.lastMessage;
  let preview: string;
  if (!last) preview = 'No messages yet';
  else {
    const text = last.deleted || last.body === null ? 'Message deleted' : last.body;
    const author = engine.conversations.nameOf(conversation.id, last.author);
    // In a direct conversation the other person's name is the title already.
    preview = author === 'You' || conversation.kind === 'group' ? `${author}: ${text}` : text;
  }
  return (
    <li>
      <Link className="conversation-link" href={`/c/?id=${encodeURIComponent(conversation.id)}`}>
        <Avatar name={conversation.title} group={conversation.kind === 'group'} />
        <span className="conversation-text">
          <span className="conversation-top">
            <span className="conversation-title">{conversation.title}</span>
            <TimeText className="conversation-time" at={conversation.activeAt} />
          </span>
          <span className="conversation-bottom">
            <span className="conversation-preview">{preview}</span>
            {conversation.unread > 0 ? (
              <span className="count-badge">
                {conversation.unread > 99 ? '99+' : conversation.unread}
                <span className="visually-hidden"> unread</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
    </li>
  );
}
