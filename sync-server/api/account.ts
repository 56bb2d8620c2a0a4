// The signed-in account: read it, rename it, change its passphrase.
import { ChangePassphraseRequest, UpdateProfileRequest } from '../../lib/protocol/api';
import { checkVerifier, makeVerifier } from '../auth/verifier';
import { decoded } from './bytes';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';
import { takeSignInAttempt } from './sign-in';
import { accountView } from './views';

export function accountRoutes(deps: ApiDeps) {
  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/account',
      body: null,
      handle: (_req, { account }) => reply(200, accountView(account)),
    }),
    sessionRoute({
      method: 'PATCH',
      pattern: '/api/account',
      body: UpdateProfileRequest,
      handle: ({ body }, { account }) => {
        const updated = deps.repos.accounts.updateDisplayName(account.id, body.displayName);
        return updated === undefined ? refuse('account.not_found') : reply(200, accountView(updated));
      },
    }),
    sessionRoute({
      method: 'POST',
      pattern: '/api/account/passphrase',
      body: ChangePassphraseRequest,
      handle: ({ body, address }, { account }) => {
        // A stolen session must not become an oracle for guessing the current passphrase.
        const limited = takeSignInAttempt(deps, account.handle, address);
        if (limited !== null) return limited;
        // The recovery key replaces a forgotten passphrase: it proves the same as the passphrase does.
        const proof =
          body.recoveryAuthKey !== undefined
            ? checkVerifier(decoded(body.recoveryAuthKey), { hash: account.recoveryHash, salt: account.recoverySalt })
            : checkVerifier(decoded(body.currentAuthKey!), { hash: account.authHash, salt: account.authSalt });
        if (!proof) return refuse('auth.invalid_credentials');
        const auth = makeVerifier(decoded(body.authKey), deps.random);
        deps.repos.accounts.updatePassphrase(account.id, {
          kdfSalt: decoded(body.kdf.salt),
          kdfIterations: body.kdf.iterations,
          authHash: Buffer.from(auth.hash),
          authSalt: Buffer.from(auth.salt),
          passphraseBackup: decoded(body.passphraseBackup),
        });
        return reply(200, { ok: true });
      },
    }),
  ];
}
