'use client';
// The in-app notification centre, read from this device: what waits for my answer (message requests, community
// invitations), then conversations and communities with messages I have not read. Everything here was decrypted on
// this device; muted conversations are left out, as they are from the unread total.
import Link from 'next/link';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { CommunityItem } from '../communities/community-item';
import { InvitationsSection, useInvitations } from '../communities/invitations-section';
import { useCommunities } from '../communities/use-communities';
import { ConversationItem } from '../home/conversation-item';
import { useConversationList } from '../home/use-conversation-list';

export function NotificationsScreen() {
  const engine = useEngine();
  const requests = useConversationList(engine, 'requests');
  const unreadConversations = useConversationList(engine, 'list').filter((c) => c.unread > 0 && !c.muted);
  const invitations = useInvitations(engine);
  const unreadCommunities = useCommunities(engine).filter((c) => c.unread > 0);
  const nothing = requests.length + invitations.length + unreadConversations.length + unreadCommunities.length === 0;

  return (
    <>
      <h1>Notifications</h1>
      {/* Always mounted, so that what an answer did stays said after the last invitation is gone. */}
      {engine ? <InvitationsSection engine={engine} /> : null}
      {engine === null ? (
        <StatusNotice busy>Reading your notifications…</StatusNotice>
      ) : nothing ? (
        <EmptyState title="You are all caught up" icon={<NavIcon name="notifications" />}>
          <p>
            Message requests, invitations to communities, and conversations or community posts you have not read yet
            are listed here.
          </p>
        </EmptyState>
      ) : (
        <>
          {requests.length > 0 ? (
            <section className="notification-group" aria-labelledby="requests-title">
              <h2 id="requests-title">Message requests</h2>
              <p className="small muted">
                People you have not accepted yet. Open one to read it, or answer in{' '}
                <Link href="/requests/">Message requests</Link>.
              </p>
              <ul className="conversation-list" aria-labelledby="requests-title">
                {requests.map((request) => (
                  <ConversationItem key={request.id} conversation={request} engine={engine} />
                ))}
              </ul>
            </section>
          ) : null}
          {unreadConversations.length > 0 ? (
            <section className="notification-group" aria-labelledby="unread-conversations-title">
              <h2 id="unread-conversations-title">Unread conversations</h2>
              <ul className="conversation-list" aria-labelledby="unread-conversations-title">
                {unreadConversations.map((conversation) => (
                  <ConversationItem key={conversation.id} conversation={conversation} engine={engine} />
                ))}
              </ul>
            </section>
          ) : null}
          {unreadCommunities.length > 0 ? (
            <section className="notification-group" aria-labelledby="unread-communities-title">
              <h2 id="unread-communities-title">New in your communities</h2>
              <ul className="community-list" aria-labelledby="unread-communities-title">
                {unreadCommunities.map((c) => (
                  <CommunityItem key={c.id} community={c} />
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
