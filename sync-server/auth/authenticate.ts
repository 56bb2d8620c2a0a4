// Turns an Authorization header into the account and session behind it, or the reason it cannot.
import type { Clock } from '../clock';
import type { AccountsRepo } from '../db/accounts-repo';
import type { AccountRow, SessionRow } from '../db/schema';
import type { SessionsRepo } from '../db/sessions-repo';
import type { Limits } from '../limits/limits';
import { hashPresentedToken } from './tokens';

export interface Auth {
  account: AccountRow;
  session: SessionRow;
}

export type AuthFailure = 'auth.required' | 'auth.session_expired' | 'auth.session_revoked';

export function authenticate(
  header: string | undefined,
  deps: { accounts: AccountsRepo; sessions: SessionsRepo; clock: Clock; limits: Limits },
): { ok: true; value: Auth } | { ok: false; code: AuthFailure } {
  const match = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(header ?? '');
  const tokenHash = match?.[1] === undefined ? null : hashPresentedToken(match[1]);
  if (tokenHash === null) return { ok: false, code: 'auth.required' };
  const session = deps.sessions.findByTokenHash(tokenHash);
  if (session === undefined) return { ok: false, code: 'auth.required' };
  if (session.revokedAt !== null) return { ok: false, code: 'auth.session_revoked' };
  const now = deps.clock.now();
  if (session.expiresAt <= now) return { ok: false, code: 'auth.session_expired' };
  const account = deps.accounts.findById(session.accountId);
  if (account === undefined) return { ok: false, code: 'auth.required' };

  if (now - session.lastSeenAt >= deps.limits.sessionTouchMs) {
    const expiresAt = now + deps.limits.sessionTtlMs;
    deps.sessions.touch(session.id, now, expiresAt);
    return { ok: true, value: { account, session: { ...session, lastSeenAt: now, expiresAt } } };
  }
  return { ok: true, value: { account, session } };
}
