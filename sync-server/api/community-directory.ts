// The public directory: only what an owner chose to publish (a name and a description), found by name.
// A community without an entry is never listed, whatever its members call it inside.
import { DirectoryEntryInput, DirectorySearchRequest, MAX_DIRECTORY_RESULTS, type DirectoryEntry } from '../../lib/protocol/api-communities';
import { communityOf, communityView } from './communities';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

export function communityDirectoryRoutes(deps: ApiDeps) {
  const { communities, documents } = deps.repos;

  return [
    sessionRoute({
      method: 'PUT',
      pattern: '/api/communities/:id/directory',
      body: DirectoryEntryInput,
      handle: ({ params, body }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role !== 'owner') return refuse('community.not_allowed');
        communities.publish(c.communityId, body.name, body.description, deps.clock.now());
        return reply(200, communityView(deps, c.communityId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'DELETE',
      pattern: '/api/communities/:id/directory',
      body: null,
      handle: ({ params }, auth) => {
        const c = communityOf(deps, params.id, auth);
        if (!c.ok) return c.reply;
        if (c.role !== 'owner') return refuse('community.not_allowed');
        communities.unpublish(c.communityId);
        return reply(200, communityView(deps, c.communityId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/directory/search',
      body: DirectorySearchRequest,
      handle: ({ body }) => {
        const found: DirectoryEntry[] = communities.search(body.query, MAX_DIRECTORY_RESULTS).map((row) => ({
          communityId: row.communityId,
          name: row.name,
          description: row.description,
          memberCount: documents.memberCount(row.communityId),
        }));
        return reply(200, { communities: found });
      },
    }),
  ];
}
