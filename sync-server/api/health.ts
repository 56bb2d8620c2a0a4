// GET /api/health: 200 once the database is open and migrated (it is, or the server would not exist).
import { publicRoute, reply } from './route';
import type { ApiDeps } from './deps';

export function healthRoutes(deps: ApiDeps) {
  return [
    publicRoute({
      method: 'GET',
      pattern: '/api/health',
      body: null,
      handle: () => {
        deps.repos.accounts.count();
        return reply(200, { ok: true, version: deps.version, uptimeMs: deps.clock.now() - deps.startedAt });
      },
    }),
  ];
}
