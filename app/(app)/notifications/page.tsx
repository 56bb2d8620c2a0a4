import type { Metadata } from 'next';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';

export const metadata: Metadata = { title: 'Notifications' };

export default function NotificationsPage() {
  return (
    <>
      <h1>Notifications</h1>
      <EmptyState title="No notifications" icon={<NavIcon name="notifications" />}>
        <p>
          New messages, replies, message requests and community news will be listed here once conversations
          and communities arrive in the next releases.
        </p>
      </EmptyState>
    </>
  );
}
