'use client';
// The Conversations screen: every conversation on this device with its decrypted last message, newest
// activity first, and the form to start a new one.
import Link from 'next/link';
import { useId, useRef, useState } from 'react';
import { useEngine, useOnline } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { ConversationItem } from './conversation-item';
import { MessageSearch } from './message-search';
import { NewConversationForm } from './new-conversation-form';
import { useConversationList } from './use-conversation-list';

export function ConversationsScreen() {
  const engine = useEngine();
  const online = useOnline();
  const list = useConversationList(engine);
  const requests = useConversationList(engine, 'requests');
  const archived = useConversationList(engine, 'archived');
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
      {requests.length > 0 || archived.length > 0 ? (
        <ul className="list-links">
          {requests.length > 0 ? (
            <li>
              <Link href="/requests/" className="list-link">
                Message requests <span className="count-badge">{requests.length}</span>
              </Link>
            </li>
          ) : null}
          {archived.length > 0 ? (
            <li>
              <Link href="/archived/" className="list-link">
                Archived <span className="count-badge neutral">{archived.length}</span>
              </Link>
            </li>
          ) : null}
        </ul>
      ) : null}
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
