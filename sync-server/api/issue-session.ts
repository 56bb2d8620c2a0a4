// Creates a session row and returns the grant the client keeps. The token leaves here once.
import type { SessionGrant } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import { issueToken, newId } from '../auth/tokens';
import type { AccountRow } from '../db/schema';
import type { ApiDeps } from './deps';
import { accountView } from './views';

export function issueSession(deps: ApiDeps, account: AccountRow, deviceName: string, backup: Uint8Array): SessionGrant {
  const now = deps.clock.now();
  const token = issueToken(deps.random);
  const sessionId = newId(deps.random);
  const expiresAt = now + deps.limits.sessionTtlMs;
  deps.repos.sessions.insert({
    id: sessionId,
    accountId: account.id,
    tokenHash: Buffer.from(token.hash),
    deviceName,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    revokedAt: null,
  });
  return { token: token.text, sessionId, expiresAt, account: accountView(account), backup: toBase64url(backup) };
}
