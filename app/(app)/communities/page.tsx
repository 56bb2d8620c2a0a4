import type { Metadata } from 'next';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';

export const metadata: Metadata = { title: 'Communities' };

export default function CommunitiesPage() {
  return (
    <>
      <h1>Communities</h1>
      <EmptyState title="No communities yet" icon={<NavIcon name="communities" />}>
        <p>
          Communities you join will appear here, with threads for needs, offers and discussion inside their
          channels.
        </p>
        <p>Creating and joining communities arrives in a later release.</p>
      </EmptyState>
    </>
  );
}
