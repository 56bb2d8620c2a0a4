// GET /api/users/:handle: another user's public profile and keys (signed-in users only).
import { Handle } from '../../lib/protocol/api';
import { parse } from '../http/parse';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';
import { profileView } from './views';

export function usersRoutes(deps: ApiDeps) {
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/users/:handle',
      body: null,
      handle: ({ params }) => {
        const handle = parse(Handle, params.handle);
        if (!handle.ok) return refuse(handle.code);
        const account = deps.repos.accounts.findByHandle(handle.value);
        return account === undefined ? refuse('account.not_found') : reply(200, profileView(account));
      },
    }),
  ];
}
