// Sessions: bearer-token sessions, looked up by the token's hash, revoked rather than deleted.
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { asBuffer } from './bytes';
import type { Orm } from './open';
import { sessions, type NewSessionRow, type SessionRow } from './schema';

export function createSessionsRepo(orm: Orm) {
  const live = (accountId: string, now: number) =>
    and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

  return {
    insert(row: NewSessionRow): void {
      orm.insert(sessions).values(row).run();
    },
    findByTokenHash(tokenHash: Uint8Array): SessionRow | undefined {
      return orm.select().from(sessions).where(eq(sessions.tokenHash, asBuffer(tokenHash))).get();
    },
    findById(id: string): SessionRow | undefined {
      return orm.select().from(sessions).where(eq(sessions.id, id)).get();
    },
    /** Sliding expiry: every use pushes the end of the session forward. */
    touch(id: string, now: number, expiresAt: number): void {
      orm.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id)).run();
    },
    listLive(accountId: string, now: number): SessionRow[] {
      return orm.select().from(sessions).where(live(accountId, now)).orderBy(asc(sessions.createdAt)).all();
    },
    /** False when no live session of this account has that id. */
    revoke(accountId: string, sessionId: string, now: number): boolean {
      const result = orm
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.id, sessionId), live(accountId, now)))
        .run();
      return result.changes === 1;
    },
    revokeAll(accountId: string, now: number): number {
      return orm.update(sessions).set({ revokedAt: now }).where(live(accountId, now)).run().changes;
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
