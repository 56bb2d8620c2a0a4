// Socket tickets: single use, short lived, bound to the session that asked for them.
import { and, eq, gt, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { asBuffer } from './bytes';
import type { Orm } from './open';
import { sessions, tickets } from './schema';

export interface TicketOwner {
  accountId: string;
  sessionId: string;
}

export function createTicketsRepo(orm: Orm) {
  return {
    insert(row: { hash: Uint8Array; accountId: string; sessionId: string; expiresAt: number }): void {
      orm
        .insert(tickets)
        .values({ ...row, hash: asBuffer(row.hash) })
        .run();
    },
    /**
     * Marks the ticket used and returns its owner, or null when it is unknown, used, expired, or its
     * session has ended. Marking happens first, so a ticket is burned even when the session check fails.
     */
    consume(hash: Uint8Array, now: number): TicketOwner | null {
      const ticket = orm
        .update(tickets)
        .set({ usedAt: now })
        .where(and(eq(tickets.hash, asBuffer(hash)), isNull(tickets.usedAt), gt(tickets.expiresAt, now)))
        .returning({ accountId: tickets.accountId, sessionId: tickets.sessionId })
        .get();
      if (ticket === undefined) return null;
      const session = orm
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.id, ticket.sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .get();
      return session === undefined ? null : ticket;
    },
    deleteStale(now: number): void {
      orm
        .delete(tickets)
        .where(or(lte(tickets.expiresAt, now), isNotNull(tickets.usedAt)))
        .run();
    },
    deleteForSession(sessionId: string): void {
      orm.delete(tickets).where(eq(tickets.sessionId, sessionId)).run();
    },
    deleteForAccount(accountId: string): void {
      orm.delete(tickets).where(eq(tickets.accountId, accountId)).run();
    },
  };
}

export type TicketsRepo = ReturnType<typeof createTicketsRepo>;
