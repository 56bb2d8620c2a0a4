'use client';
// One row of a conversation list (Conversations, Message requests, Archived): who, the decrypted last message,
// when, and how many are unread.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ConversationSummary } from '../../../lib/client/engine/conversations';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { Avatar } from '../../_components/avatar';
import { TimeText } from '../../_components/time-text';

export function ConversationItem({
  conversation,
  engine,
  children,
}: {
  conversation: ConversationSummary;
  engine: DeviceEngine;
  /** Controls shown under the row (a request's Accept, Decline, Block). */
  children?: ReactNode;
}) {
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
            {conversation.muted ? <span className="muted small conversation-flag">Muted</span> : null}
            {conversation.unread > 0 ? (
              <span className="count-badge">
                {conversation.unread > 99 ? '99+' : conversation.unread}
                <span className="visually-hidden"> unread</span>
              </span>
            ) : null}
          </span>
        </span>
      </Link>
      {children}
    </li>
  );
}
