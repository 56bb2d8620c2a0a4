// POST /api/auth/kdf: the KDF salt and iterations for a handle. Unknown handles get a stable fake
// salt of the same shape, so the answer does not say whether the account exists.
import { KdfRequest, type KdfParams } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import { FAKE_KDF_ITERATIONS, fakeKdfSalt } from '../auth/fake-kdf';
import type { ApiDeps } from './deps';
import { publicRoute, reply } from './route';

export function kdfRoutes(deps: ApiDeps) {
  return [
    publicRoute({
      method: 'POST',
      pattern: '/api/auth/kdf',
      body: KdfRequest,
      handle: ({ body }) => {
        const account = deps.repos.accounts.findByHandle(body.handle);
        const kdf: KdfParams =
          account === undefined
            ? { algorithm: 'PBKDF2-SHA256', iterations: FAKE_KDF_ITERATIONS, salt: toBase64url(fakeKdfSalt(deps.fakeKdfSecret, body.handle)) }
            : { algorithm: 'PBKDF2-SHA256', iterations: account.kdfIterations, salt: toBase64url(account.kdfSalt) };
        return reply(200, { kdf });
      },
    }),
  ];
}
