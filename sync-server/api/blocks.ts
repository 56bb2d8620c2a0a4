// Blocks: list, block, unblock. What a block prevents is enforced where it happens: starting or adding
// (contact-decision), writing into a one-to-one conversation and awareness (the sync rooms).
import { Id } from '../../lib/protocol/api';
import type { BlockView } from '../../lib/protocol/api-privacy';
import { parse } from '../http/parse';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';

export function blocksRoutes(deps: ApiDeps) {
  const { privacy, accounts } = deps.repos;
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/blocks',
      body: null,
      handle: (_req, auth) => {
        const blocks: BlockView[] = privacy.blocksBy(auth.account.id);
        return reply(200, { blocks });
      },
    }),
    sessionRoute({
      method: 'POST',
      pattern: '/api/blocks/:accountId',
      body: null,
      handle: ({ params }, auth) => {
        const id = parse(Id, params.accountId);
        if (!id.ok) return refuse(id.code);
        if (id.value === auth.account.id) return refuse('request.invalid');
        const target = accounts.findById(id.value);
        if (target === undefined) return refuse('account.not_found');
        privacy.block(auth.account.id, target.id, deps.clock.now());
        const view = privacy.blocksBy(auth.account.id).find((b) => b.accountId === target.id);
        return reply(200, view);
      },
    }),
    sessionRoute({
      method: 'DELETE',
      pattern: '/api/blocks/:accountId',
      body: null,
      handle: ({ params }, auth) => {
        const id = parse(Id, params.accountId);
        if (!id.ok) return refuse(id.code);
        // Unblocking someone not blocked is already the wanted state.
        privacy.unblock(auth.account.id, id.value);
        return reply(200, { ok: true });
      },
    }),
  ];
}
