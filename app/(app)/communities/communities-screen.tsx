'use client';
// My communities, invitations waiting for my answer, the public directory (Find communities), and the form that
// founds a new one (I become its owner).
import { useState } from 'react';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { NavIcon } from '../../_components/nav-icon';
import { StatusNotice } from '../../_components/notice';
import { CommunityItem } from './community-item';
import { DirectorySearch } from './directory-search';
import { InvitationsSection } from './invitations-section';
import { NewCommunityForm } from './new-community-form';
import { useCommunities } from './use-communities';

const ROLE: Record<string, string> = { owner: 'Owner', moderator: 'Moderator', member: 'Member' };

export function CommunitiesScreen() {
  const engine = useEngine();
  const communities = useCommunities(engine);
  const [creating, setCreating] = useState(false);
  const [finding, setFinding] = useState(false);

  return (
    <>
      <div className="page-header">
        <h1>Communities</h1>
        <div className="header-actions">
          <button type="button" className="button secondary" aria-expanded={finding} disabled={!engine} onClick={() => setFinding((on) => !on)}>
            Find communities
          </button>
          <button
            type="button"
            className="button primary"
            aria-expanded={creating}
            disabled={!engine}
            onClick={() => setCreating((on) => !on)}
          >
            New community
          </button>
        </div>
      </div>
      {creating && engine ? <NewCommunityForm engine={engine} onCancel={() => setCreating(false)} /> : null}
      {finding && engine ? <DirectorySearch engine={engine} /> : null}
      {engine ? <InvitationsSection engine={engine} /> : null}
      {engine === null ? (
        <StatusNotice busy>Loading your communities…</StatusNotice>
      ) : communities.length === 0 ? (
        <EmptyState title="No communities yet" icon={<NavIcon name="communities" />}>
          <p>A community is where people post what they need and what they can offer, and talk it through in threads.</p>
          <p>Create one, find a listed one with Find communities, or open an invite link someone sent you.</p>
        </EmptyState>
      ) : (
        <ul className="community-list" aria-label="Communities">
          {communities.map((c) => (
            <CommunityItem key={c.id} community={c}>
              <span className="muted small">
                {ROLE[c.myRole] ?? c.myRole} · {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'} · {c.threadCount}{' '}
                {c.threadCount === 1 ? 'thread' : 'threads'}
              </span>
            </CommunityItem>
          ))}
        </ul>
      )}
    </>
  );
}
