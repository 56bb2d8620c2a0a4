'use client';
// Conversations archived on this device: out of the main list, still synced, unarchived from their own screen.
import Link from 'next/link';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { ConversationItem } from '../home/conversation-item';
import { useConversationList } from '../home/use-conversation-list';

export function ArchivedScreen() {
  const engine = useEngine();
  const archived = useConversationList(engine, 'archived');
  return (
    <>
      <div className="page-header">
        <Link href="/home/" className="button ghost small" aria-label="Back to conversations">
          <span aria-hidden="true">←</span>
        </Link>
        <h1>Archived</h1>
      </div>
      <p className="muted">Archived conversations stay here, on this device, until you unarchive them from the conversation.</p>
      {engine === null ? (
        <StatusNotice busy>Opening your conversations…</StatusNotice>
      ) : archived.length === 0 ? (
        <EmptyState title="Nothing archived" icon={<NavIcon name="conversations" />}>
          <p>
            Archive a conversation from its Options to move it out of your list. <Link href="/home/">Back to conversations</Link>
          </p>
        </EmptyState>
      ) : (
        <ul className="conversation-list" aria-label="Archived conversations">
          {archived.map((c) => (
            <ConversationItem key={c.id} conversation={c} engine={engine} />
          ))}
        </ul>
      )}
    </>
  );
}
