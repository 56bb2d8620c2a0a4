// Deletes a whole community: its document and every thread's, with their updates, signatures, client ids, key
// envelopes, members, roles, invite links and directory entry. The caller runs `erase` inside one transaction.
import { eq, inArray } from 'drizzle-orm';
import type { AccessChanges } from './access-changes';
import { communityDirectory, communityInvites, communityRoles, communityThreads } from './community-schema';
import type { Orm } from './open';
import { declinedRequests } from './privacy-schema';
import { docClients, docUpdates, documentMembers, documents, entrySignatures, keyEnvelopes } from './schema-docs';

export function createCommunityDeletionRepo(orm: Orm, changes: AccessChanges) {
  return {
    /** Removes the community and its threads; returns the document ids that went (community first). */
    erase(communityId: string): string[] {
      const threads = orm
        .select({ id: communityThreads.threadId })
        .from(communityThreads)
        .where(eq(communityThreads.communityId, communityId))
        .all()
        .map((t) => t.id);
      const docIds = [communityId, ...threads];
      // Open rooms of the community and its threads stop answering from memory: nobody is a member any more.
      for (const docId of docIds) changes.doc(docId);
      // Spelled out rather than left to ON DELETE CASCADE, so the deletion does not hang on a pragma.
      orm.delete(communityDirectory).where(eq(communityDirectory.communityId, communityId)).run();
      orm.delete(communityInvites).where(eq(communityInvites.communityId, communityId)).run();
      orm.delete(communityRoles).where(eq(communityRoles.communityId, communityId)).run();
      orm.delete(communityThreads).where(eq(communityThreads.communityId, communityId)).run();
      orm.delete(keyEnvelopes).where(inArray(keyEnvelopes.docId, docIds)).run();
      orm.delete(documentMembers).where(inArray(documentMembers.docId, docIds)).run();
      orm.delete(declinedRequests).where(inArray(declinedRequests.docId, docIds)).run();
      orm.delete(docUpdates).where(inArray(docUpdates.docId, docIds)).run();
      orm.delete(entrySignatures).where(inArray(entrySignatures.docId, docIds)).run();
      orm.delete(docClients).where(inArray(docClients.docId, docIds)).run();
      orm.delete(documents).where(inArray(documents.id, docIds)).run();
      return docIds;
    },
  };
}

export type CommunityDeletionRepo = ReturnType<typeof createCommunityDeletionRepo>;
