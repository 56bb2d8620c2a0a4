// POST /api/accounts: sign up. Stores public keys, KDF parameters, salted hashes of both auth keys
// and the two wrapped backups, then opens the first session, all in one transaction.
import { SignUpRequest } from '../../lib/protocol/api';
import { makeVerifier } from '../auth/verifier';
import { newId } from '../auth/tokens';
import type { AccountRow } from '../db/schema';
import { decoded } from './bytes';
import type { ApiDeps } from './deps';
import { issueSession } from './issue-session';
import { publicRoute, refuse, reply } from './route';

export function accountsRoutes(deps: ApiDeps) {
  return [
    publicRoute({
      method: 'POST',
      pattern: '/api/accounts',
      body: SignUpRequest,
      handle: ({ body, address }) => {
        const limited = deps.rateLimits.signUpPerAddress.take(address);
        if (!limited.ok) return refuse('auth.rate_limited', limited.retryAfterMs);

        // A deleted account's handle whose hold has ended is free again; until then the unique index keeps it taken.
        deps.repos.accountDeletion.releaseHeldHandle(body.handle, deps.clock.now());
        const auth = makeVerifier(decoded(body.authKey), deps.random);
        const recovery = makeVerifier(decoded(body.recoveryAuthKey), deps.random);
        const row: AccountRow = {
          id: newId(deps.random),
          handle: body.handle,
          displayName: body.displayName,
          signingPublicKey: decoded(body.signingPublicKey),
          boxPublicKey: decoded(body.boxPublicKey),
          kdfSalt: decoded(body.kdf.salt),
          kdfIterations: body.kdf.iterations,
          authHash: Buffer.from(auth.hash),
          authSalt: Buffer.from(auth.salt),
          recoveryHash: Buffer.from(recovery.hash),
          recoverySalt: Buffer.from(recovery.salt),
          passphraseBackup: decoded(body.passphraseBackup),
          recoveryBackup: decoded(body.recoveryBackup),
          createdAt: deps.clock.now(),
          deleted: false,
          handleHeldUntil: null,
        };
        const grant = deps.repos.transaction(() =>
          deps.repos.accounts.insert(row) ? issueSession(deps, row, body.deviceName, row.passphraseBackup) : null,
        );
        return grant === null ? refuse('account.handle_taken') : reply(201, grant);
      },
    }),
  ];
}
