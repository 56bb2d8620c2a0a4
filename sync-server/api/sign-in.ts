// POST /api/sessions (passphrase auth key) and POST /api/sessions/recovery (recovery auth key).
// A wrong key and an unknown handle get the same status, body and hash work; both are rate limited
// per handle and per address.
import { RecoverySignInRequest, SignInRequest } from '../../lib/protocol/api';
import { checkVerifier } from '../auth/verifier';
import type { AccountRow } from '../db/schema';
import { decoded } from './bytes';
import type { ApiDeps } from './deps';
import { issueSession } from './issue-session';
import { publicRoute, refuse, reply, type ApiReply } from './route';

type Secret = 'passphrase' | 'recovery';

export function signInRoutes(deps: ApiDeps) {
  const signIn = (secret: Secret, handle: string, key: string, deviceName: string, address: string): ApiReply => {
    const limited = takeSignInAttempt(deps, handle, address);
    if (limited !== null) return limited;

    const account = deps.repos.accounts.findByHandle(handle);
    const verifier = account === undefined ? deps.dummyVerifier : verifierOf(account, secret);
    const matches = checkVerifier(decoded(key), verifier);
    if (account === undefined || !matches) return refuse('auth.invalid_credentials');

    // From here on the caller has proved knowledge of the account's passphrase or recovery key.
    const backup = secret === 'passphrase' ? account.passphraseBackup : account.recoveryBackup;
    return reply(201, issueSession(deps, account, deviceName, backup));
  };

  return [
    publicRoute({
      method: 'POST',
      pattern: '/api/sessions/recovery',
      body: RecoverySignInRequest,
      handle: ({ body, address }) => signIn('recovery', body.handle, body.recoveryAuthKey, body.deviceName, address),
    }),
    publicRoute({
      method: 'POST',
      pattern: '/api/sessions',
      body: SignInRequest,
      handle: ({ body, address }) => signIn('passphrase', body.handle, body.authKey, body.deviceName, address),
    }),
  ];
}

/** Spends one attempt from the address and the handle buckets; a reply when either is empty. */
export function takeSignInAttempt(deps: ApiDeps, handle: string, address: string): ApiReply | null {
  const byAddress = deps.rateLimits.signInPerAddress.take(address);
  if (!byAddress.ok) return refuse('auth.rate_limited', byAddress.retryAfterMs);
  const byHandle = deps.rateLimits.signInPerHandle.take(handle);
  if (!byHandle.ok) return refuse('auth.rate_limited', byHandle.retryAfterMs);
  return null;
}

function verifierOf(account: AccountRow, secret: Secret) {
  return secret === 'passphrase'
    ? { hash: account.authHash, salt: account.authSalt }
    : { hash: account.recoveryHash, salt: account.recoverySalt };
}
