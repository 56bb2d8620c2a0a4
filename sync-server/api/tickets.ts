// POST /api/tickets: a single-use, short-lived ticket for opening a sync socket, so the long-lived
// session token never appears in a URL.
import type { TicketResponse } from '../../lib/protocol/api';
import { issueToken } from '../auth/tokens';
import type { ApiDeps } from './deps';
import { reply, sessionRoute } from './route';
import type { z } from 'zod';

export function ticketsRoutes(deps: ApiDeps) {
  return [
    sessionRoute({
      method: 'POST',
      pattern: '/api/tickets',
      body: null,
      handle: (_req, { account, session }) => {
        const now = deps.clock.now();
        const ticket = issueToken(deps.random);
        const expiresAt = now + deps.limits.ticketTtlMs;
        deps.repos.transaction(() => {
          // Used and expired tickets are worthless; clearing them here keeps the table small.
          deps.repos.tickets.deleteStale(now);
          deps.repos.tickets.insert({ hash: ticket.hash, accountId: account.id, sessionId: session.id, expiresAt });
        });
        const body: z.infer<typeof TicketResponse> = { ticket: ticket.text, expiresAt };
        return reply(200, body);
      },
    }),
  ];
}
