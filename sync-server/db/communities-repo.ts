// Community roles, thread links, invite links and directory entries. Membership and key envelopes are the
// documents repo's: a community is a document, and a thread borrows its community's members and epochs.
import { and, asc, desc, eq, like, sql } from 'drizzle-orm';
import { asBuffer } from './bytes';
import { communityDirectory, communityInvites, communityRoles, communityThreads, type CommunityRole } from './community-schema';
import type { Orm } from './open';
import { documentMembers, documents } from './schema-docs';

export function createCommunitiesRepo(orm: Orm) {
  // Asked on every socket join and every update (membershipDocOf): prepared once.
  const selectCommunityOf = orm
    .select({ communityId: communityThreads.communityId })
    .from(communityThreads)
    .where(eq(communityThreads.threadId, sql.placeholder('threadId')))
    .prepare();

  return {
    /** The document whose members and epochs govern `docId`: its community for a thread, itself otherwise. */
    membershipDocOf(docId: string): string {
      return selectCommunityOf.get({ threadId: docId })?.communityId ?? docId;
    },
    roleOf(communityId: string, accountId: string): CommunityRole | undefined {
      return orm
        .select({ role: communityRoles.role })
        .from(communityRoles)
        .where(and(eq(communityRoles.communityId, communityId), eq(communityRoles.accountId, accountId)))
        .get()?.role;
    },
    roles(communityId: string): Map<string, CommunityRole> {
      const rows = orm.select().from(communityRoles).where(eq(communityRoles.communityId, communityId)).all();
      return new Map(rows.map((r) => [r.accountId, r.role]));
    },
    setRole(communityId: string, accountId: string, role: CommunityRole, now: number): void {
      orm
        .insert(communityRoles)
        .values({ communityId, accountId, role, updatedAt: now })
        .onConflictDoUpdate({ target: [communityRoles.communityId, communityRoles.accountId], set: { role, updatedAt: now } })
        .run();
    },
    /** Communities this account owns that still have someone else in them (it may not just vanish from those). */
    ownedWithOthers(accountId: string): string[] {
      return orm
        .select({ id: communityRoles.communityId })
        .from(communityRoles)
        .where(
          and(
            eq(communityRoles.accountId, accountId),
            eq(communityRoles.role, 'owner'),
            sql`exists (select 1 from ${documentMembers} where ${documentMembers.docId} = ${communityRoles.communityId} and ${documentMembers.accountId} <> ${accountId})`,
          ),
        )
        .all()
        .map((r) => r.id);
    },
    dropRole(communityId: string, accountId: string): void {
      orm.delete(communityRoles).where(and(eq(communityRoles.communityId, communityId), eq(communityRoles.accountId, accountId))).run();
    },

    // --- threads -------------------------------------------------------------------------------------------
    addThread(threadId: string, communityId: string, createdBy: string, now: number): boolean {
      const inserted = orm
        .insert(documents)
        .values({ id: threadId, kind: 'thread', createdBy, createdAt: now, epoch: 0, updatedAt: now })
        .onConflictDoNothing()
        .run();
      if (inserted.changes !== 1) return false;
      orm.insert(communityThreads).values({ threadId, communityId, createdAt: now }).run();
      return true;
    },
    threads(communityId: string) {
      return orm
        .select({ id: documents.id, createdBy: documents.createdBy, createdAt: documents.createdAt, seq: documents.seq, updatedAt: documents.updatedAt })
        .from(communityThreads)
        .innerJoin(documents, eq(documents.id, communityThreads.threadId))
        .where(eq(communityThreads.communityId, communityId))
        .orderBy(asc(communityThreads.createdAt), asc(communityThreads.threadId))
        .all();
    },
    /** `{id, seq}` of every thread in the account's communities, for the event stream's hello. */
    threadSeqsFor(accountId: string): Array<{ id: string; seq: number }> {
      return orm
        .select({ id: documents.id, seq: documents.seq })
        .from(documentMembers)
        .innerJoin(communityThreads, eq(communityThreads.communityId, documentMembers.docId))
        .innerJoin(documents, eq(documents.id, communityThreads.threadId))
        .where(eq(documentMembers.accountId, accountId))
        .all();
    },

    // --- invite links --------------------------------------------------------------------------------------
    createInvite(row: {
      id: string;
      communityId: string;
      createdBy: string;
      proofHash: Uint8Array;
      sealedKey: Uint8Array;
      epoch: number;
      expiresAt: number;
      maxUses: number;
      now: number;
    }): boolean {
      const { now, ...rest } = row;
      const inserted = orm
        .insert(communityInvites)
        .values({ ...rest, proofHash: asBuffer(row.proofHash), sealedKey: asBuffer(row.sealedKey), createdAt: now })
        .onConflictDoNothing()
        .run();
      return inserted.changes === 1;
    },
    findInvite(id: string) {
      return orm.select().from(communityInvites).where(eq(communityInvites.id, id)).get();
    },
    /** The newest `limit` links of a community, newest first. */
    invites(communityId: string, limit: number) {
      return orm
        .select()
        .from(communityInvites)
        .where(eq(communityInvites.communityId, communityId))
        .orderBy(desc(communityInvites.createdAt), sql`rowid desc`)
        .limit(limit)
        .all();
    },
    revokeInvite(id: string): void {
      orm.update(communityInvites).set({ revoked: true }).where(eq(communityInvites.id, id)).run();
    },
    useInvite(id: string): void {
      orm
        .update(communityInvites)
        .set({ uses: sql`${communityInvites.uses} + 1` })
        .where(eq(communityInvites.id, id))
        .run();
    },

    // --- the public directory ------------------------------------------------------------------------------
    publish(communityId: string, name: string, description: string, now: number): void {
      const values = { name, nameKey: name.toLowerCase(), description, publishedAt: now };
      orm
        .insert(communityDirectory)
        .values({ communityId, ...values })
        .onConflictDoUpdate({ target: communityDirectory.communityId, set: values })
        .run();
    },
    unpublish(communityId: string): void {
      orm.delete(communityDirectory).where(eq(communityDirectory.communityId, communityId)).run();
    },
    listing(communityId: string) {
      return orm.select().from(communityDirectory).where(eq(communityDirectory.communityId, communityId)).get();
    },
    /** Published communities whose name contains `query` (case-insensitive), by name. */
    search(query: string, limit: number) {
      const escaped = query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
      return orm
        .select()
        .from(communityDirectory)
        .where(like(communityDirectory.nameKey, sql`${`%${escaped}%`} escape '\\'`))
        .orderBy(asc(communityDirectory.nameKey), asc(communityDirectory.communityId))
        .limit(limit)
        .all();
    },
  };
}

export type CommunitiesRepo = ReturnType<typeof createCommunitiesRepo>;
