// GET/PUT /api/privacy: who may contact me, and the read-receipt and typing switches (kept here so every
// device of the account shares them; each device enforces the switches for what it sends).
import { UpdatePrivacyRequest, type PrivacySettings } from '../../lib/protocol/api-privacy';
import type { ApiDeps } from './deps';
import { reply, sessionRoute } from './route';

export function privacyRoutes(deps: ApiDeps) {
  const { privacy } = deps.repos;
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/privacy',
      body: null,
      handle: (_req, auth) => reply(200, privacy.settings(auth.account.id)),
    }),
    sessionRoute({
      method: 'PUT',
      pattern: '/api/privacy',
      body: UpdatePrivacyRequest,
      handle: ({ body }, auth) => {
        const next: PrivacySettings = deps.repos.transaction(() => {
          const merged = { ...privacy.settings(auth.account.id), ...body };
          privacy.putSettings(auth.account.id, merged, deps.clock.now());
          return merged;
        });
        return reply(200, next);
      },
    }),
  ];
}
