// GET /api/users/by-id/:accountId: who an author or former member is. A deleted account answers with its id,
// `deleted: true` and nulls, so others can show "Deleted account" on what it wrote.
import { Id } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import type { UserSummary } from '../../lib/protocol/api-privacy';
import { parse } from '../http/parse';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

export function userSummaryRoutes(deps: ApiDeps) {
  const { accounts } = deps.repos;
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/users/by-id/:accountId',
      body: null,
      handle: ({ params }) => {
        const id = parse(Id, params.accountId);
        if (!id.ok) return refuse(id.code);
        const account = accounts.findById(id.value);
        let body: UserSummary;
        if (account !== undefined) {
          body = {
            accountId: account.id,
            deleted: false,
            handle: account.handle,
            displayName: account.displayName,
            signingPublicKey: toBase64url(account.signingPublicKey),
            boxPublicKey: toBase64url(account.boxPublicKey),
          };
        } else if (accounts.isDeleted(id.value)) {
          body = { accountId: id.value, deleted: true, handle: null, displayName: null, signingPublicKey: null, boxPublicKey: null };
        } else {
          return refuse('account.not_found');
        }
        return reply(200, body);
      },
    }),
  ];
}
