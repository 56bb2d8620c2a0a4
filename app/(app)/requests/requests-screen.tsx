'use client';
// Message requests: conversations from people I have not accepted. Their previews are decrypted here, on my
// device; the sender sees no read receipt or typing from me until I accept.
import Link from 'next/link';
import { useState } from 'react';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { ConversationItem } from '../home/conversation-item';
import { useConversationList } from '../home/use-conversation-list';
import { RequestActions } from './request-actions';

export function RequestsScreen() {
  const engine = useEngine();
  const requests = useConversationList(engine, 'requests');
  const [outcome, setOutcome] = useState<string | null>(null);

  return (
    <>
      <div className="page-header">
        <Link href="/home/" className="button ghost small" aria-label="Back to conversations">
          <span aria-hidden="true">←</span>
        </Link>
        <h1>Message requests</h1>
      </div>
      <p className="muted">
        People you have not accepted yet. They cannot see whether you read their messages or are typing. Accept to reply;
        Decline removes the request without telling them; Block also stops them from contacting you.
      </p>
      <StatusNotice>{outcome}</StatusNotice>
      {engine === null ? (
        <StatusNotice busy>Opening your requests…</StatusNotice>
      ) : requests.length === 0 ? (
        <EmptyState title="No message requests" icon={<NavIcon name="conversations" />}>
          <p>
            When someone you have not talked to starts a conversation with you, it waits here. Choose who may do that in{' '}
            <Link href="/settings/#privacy">Settings</Link>.
          </p>
        </EmptyState>
      ) : (
        <ul className="conversation-list" aria-label="Message requests">
          {requests.map((request) => (
            <ConversationItem key={request.id} conversation={request} engine={engine}>
              <RequestActions
                engine={engine}
                docId={request.id}
                name={request.title}
                onDone={(done) =>
                  setOutcome(
                    done === 'accepted'
                      ? `Accepted: ${request.title} is now in your conversations.`
                      : done === 'blocked'
                        ? `Blocked ${request.title}. Manage blocked people in Settings.`
                        : `Declined the request from ${request.title}.`,
                  )
                }
              />
            </ConversationItem>
          ))}
        </ul>
      )}
    </>
  );
}
