// DELETE /api/communities/:id: the owner deletes the community for everyone. Its sockets close first and what
// they already sent is committed, then the community, its threads and every row about them go in one
// transaction; each member's devices hear a membership event, find it gone, and wipe what they kept of it.
import { ERRORS } from '../../lib/protocol/errors';
import { communityOf } from './communities';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

const GONE = { code: ERRORS['doc.not_found'].close, reason: 'doc.not_found' } as const;

export function communityDeletionRoutes(deps: ApiDeps) {
  const { documents, communities, communityDeletion } = deps.repos;
  return [
    sessionRoute({
      method: 'DELETE',
      pattern: '/api/communities/:id',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role !== 'owner') return refuse('community.not_allowed');
        const { communityId } = c;
        const members = documents.memberIds(communityId);
        const docIds = [communityId, ...communities.threads(communityId).map((t) => t.id)];
        // No late commit may land on a document that is gone (it would fail its whole batch). Per open room, not per
        // member and thread: a community of 1,000 members and 5,000 threads is one pass over its open rooms.
        for (const docId of docIds) deps.sync.closeRoom(docId, GONE.code, GONE.reason);
        deps.sync.flush();
        deps.repos.transaction(() => communityDeletion.erase(communityId));
        for (const accountId of members) deps.events.membershipChanged(accountId, communityId);
        return reply(200, { ok: true });
      },
    }),
  ];
}
