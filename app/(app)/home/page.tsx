import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';

export const metadata: Metadata = { title: 'Conversations' };

export default function ConversationsPage() {
  return (
    <>
      <h1>Conversations</h1>
      <EmptyState title="No conversations yet" icon={<NavIcon name="conversations" />}>
        <p>
          Your private one-to-one and group conversations will appear here, end-to-end encrypted and readable
          offline.
        </p>
        <p>
          Starting a conversation arrives with the next release. Until then you can{' '}
          <Link href="/settings/">set your display name and check your safety number</Link> in Settings.
        </p>
      </EmptyState>
    </>
  );
}
