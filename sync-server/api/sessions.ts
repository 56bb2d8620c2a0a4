// Session management: list, revoke one, sign out this device, sign out everywhere.
// Ending a session also burns its tickets and closes its live sockets.
import { Id } from '../../lib/protocol/api';
import { ERRORS } from '../../lib/protocol/errors';
import { parse } from '../http/parse';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute } from './route';
import { sessionView } from './views';

const SIGNED_OUT = { code: ERRORS['socket.signed_out'].close, reason: 'socket.signed_out' } as const;

export function sessionsRoutes(deps: ApiDeps) {
  const endSession = (accountId: string, sessionId: string): boolean => {
    const revoked = deps.repos.transaction(() => {
      const done = deps.repos.sessions.revoke(accountId, sessionId, deps.clock.now());
      if (done) deps.repos.tickets.deleteForSession(sessionId);
      return done;
    });
    if (revoked) deps.sockets.closeSession(accountId, sessionId, SIGNED_OUT.code, SIGNED_OUT.reason);
    return revoked;
  };

  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/sessions',
      body: null,
      handle: (_req, { account, session }) => {
        const rows = deps.repos.sessions.listLive(account.id, deps.clock.now());
        return reply(200, { sessions: rows.map((row) => sessionView(row, session.id)) });
      },
    }),
    sessionRoute({
      method: 'DELETE',
      pattern: '/api/sessions/current',
      body: null,
      handle: (_req, { account, session }) => {
        endSession(account.id, session.id);
        return reply(200, { ok: true });
      },
    }),
    sessionRoute({
      method: 'POST',
      pattern: '/api/sessions/revoke-all',
      body: null,
      handle: (_req, { account }) => {
        deps.repos.transaction(() => {
          deps.repos.sessions.revokeAll(account.id, deps.clock.now());
          deps.repos.tickets.deleteForAccount(account.id);
        });
        deps.sockets.closeAccount(account.id, SIGNED_OUT.code, SIGNED_OUT.reason);
        return reply(200, { ok: true });
      },
    }),
    sessionRoute({
      method: 'DELETE',
      pattern: '/api/sessions/:id',
      body: null,
      handle: ({ params }, { account }) => {
        const id = parse(Id, params.id);
        if (!id.ok) return refuse(id.code);
        return endSession(account.id, id.value) ? reply(200, { ok: true }) : refuse('session.not_found');
      },
    }),
  ];
}
