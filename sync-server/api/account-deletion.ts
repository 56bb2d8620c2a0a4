// DELETE /api/account: the person proves the passphrase again (rate limited, checked in constant time), then
// the account becomes a tombstone, everything naming it goes, and its live sockets close.
import { DeleteAccountRequest, HANDLE_HOLD_MS } from '../../lib/protocol/api-privacy';
import { ERRORS } from '../../lib/protocol/errors';
import { checkVerifier } from '../auth/verifier';
import { decoded } from './bytes';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';
import { takeSignInAttempt } from './sign-in';

const DELETED = { code: ERRORS['account.deleted'].close, reason: 'account.deleted' } as const;

export function accountDeletionRoutes(deps: ApiDeps) {
  return [
    sessionRoute({
      method: 'DELETE',
      pattern: '/api/account',
      body: DeleteAccountRequest,
      handle: ({ body, address }, { account }) => {
        // A stolen session must not become an oracle for the passphrase, nor delete the account without it.
        const limited = takeSignInAttempt(deps, account.handle, address);
        if (limited !== null) return limited;
        if (!checkVerifier(decoded(body.currentAuthKey), { hash: account.authHash, salt: account.authSalt })) {
          return refuse('auth.invalid_credentials');
        }
        // A community must never be left without an owner while others are in it: hand it on or delete it first.
        if (deps.repos.communities.ownedWithOthers(account.id).length > 0) return refuse('account.owns_communities');
        // Its document sockets stop first and what they already sent is committed, so nothing it wrote lands
        // after the erase (a late commit would bind a client id to the deleted account again).
        deps.sync.evict(account.id, null, DELETED.code, DELETED.reason);
        deps.sync.flush();
        const now = deps.clock.now();
        const left = deps.repos.transaction(() => deps.repos.accountDeletion.erase(account.id, now, now + HANDLE_HOLD_MS));
        deps.sockets.closeAccount(account.id, DELETED.code, DELETED.reason);
        for (const doc of left) for (const memberId of doc.remaining) deps.events.membershipChanged(memberId, doc.docId);
        return reply(200, { ok: true });
      },
    }),
  ];
}
