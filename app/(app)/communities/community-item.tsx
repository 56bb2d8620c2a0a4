// One community in a list (Communities, Notifications): its name and unread count, and whatever the list adds
// under it, all one link to the community.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { CommunitySummary } from '../../../lib/client/engine/communities';
import { UnreadBadge } from '../../_components/unread-badge';

export function CommunityItem({ community, children }: { community: CommunitySummary; children?: ReactNode }) {
  return (
    <li>
      <Link href={`/community/?id=${encodeURIComponent(community.id)}`} className="community-link">
        <span className="community-name-row">
          <span className="community-name">{community.name ?? 'Loading…'}</span>
          <UnreadBadge count={community.unread} />
        </span>
        {children}
      </Link>
    </li>
  );
}
