// GET /api/account/export-metadata: everything the server holds about the caller, for "Export my data".
// Never secrets: no token hashes, verifiers or backups (the device has the backup's contents anyway).
import type { MetadataExport } from '../../lib/protocol/api-privacy';
import type { ApiDeps } from './deps';
import { reply, sessionRoute } from './route';
import { accountView, sessionView } from './views';

export function exportMetadataRoutes(deps: ApiDeps) {
  const { privacy, sessions } = deps.repos;
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/account/export-metadata',
      body: null,
      handle: (_req, { account, session }) => {
        const now = deps.clock.now();
        const body: MetadataExport = {
          exportedAt: now,
          account: accountView(account),
          privacy: privacy.settings(account.id),
          sessions: sessions.listLive(account.id, now).map((row) => sessionView(row, session.id)),
          blocks: privacy.blocksBy(account.id),
          contacts: privacy.contactsOf(account.id),
          memberships: privacy.membershipsOf(account.id),
          declinedRequests: privacy.declinedBy(account.id),
        };
        return reply(200, body);
      },
    }),
  ];
}
