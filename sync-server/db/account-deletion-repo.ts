// Deletes an account: every row that names it goes or stops naming it, and the account row becomes a tombstone
// (id, deleted flag, handle held until a date). The caller runs `erase` inside one transaction.
import { and, eq, lte, or, sql } from 'drizzle-orm';
import { DELETED_ACCOUNT_ID } from '../../lib/protocol/api-privacy';
import type { AccessChanges } from './access-changes';
import { communityInvites, communityRoles, communityThreads } from './community-schema';
import type { Orm } from './open';
import { acceptedContacts, blocks, declinedRequests, privacySettings } from './privacy-schema';
import { accounts, sessions, tickets } from './schema';
import { docClients, documentMembers, documents, keyEnvelopes } from './schema-docs';

const EMPTY = Buffer.alloc(0);

export interface ErasedMembership {
  docId: string;
  kind: string;
  /** Members left in the document (they are told its membership changed). */
  remaining: string[];
}

export function createAccountDeletionRepo(orm: Orm, changes: AccessChanges) {
  return {
    /** Empties the account and everything that names it; returns the documents it left. */
    erase(accountId: string, now: number, handleHeldUntil: number): ErasedMembership[] {
      const left = orm
        .select({ docId: documentMembers.docId, kind: documents.kind })
        .from(documentMembers)
        .innerJoin(documents, eq(documents.id, documentMembers.docId))
        .where(eq(documentMembers.accountId, accountId))
        .all();
      // Its key, memberships, blocks and client-id bindings all change below, and so do the requests it declined
      // (a declined request still holds the sender to the request cap).
      changes.account(accountId);
      for (const { docId } of left) changes.doc(docId);
      for (const { docId } of orm.select({ docId: declinedRequests.docId }).from(declinedRequests).where(eq(declinedRequests.accountId, accountId)).all()) {
        changes.doc(docId);
      }

      orm.delete(tickets).where(eq(tickets.accountId, accountId)).run();
      orm.delete(sessions).where(eq(sessions.accountId, accountId)).run();

      orm.delete(keyEnvelopes).where(eq(keyEnvelopes.recipientId, accountId)).run();
      // Keys it handed to others stay theirs (old epochs stay readable); they just no longer say who sealed them.
      orm.update(keyEnvelopes).set({ senderId: DELETED_ACCOUNT_ID }).where(eq(keyEnvelopes.senderId, accountId)).run();
      // Its Yjs client ids stay bound, to no one: nobody else may write with them.
      orm.update(docClients).set({ accountId: DELETED_ACCOUNT_ID }).where(eq(docClients.accountId, accountId)).run();

      orm.delete(documentMembers).where(eq(documentMembers.accountId, accountId)).run();
      orm.delete(communityRoles).where(eq(communityRoles.accountId, accountId)).run();
      orm.update(communityInvites).set({ createdBy: null }).where(eq(communityInvites.createdBy, accountId)).run();
      orm.update(documentMembers).set({ addedBy: null }).where(eq(documentMembers.addedBy, accountId)).run();
      orm.update(documents).set({ createdBy: null }).where(eq(documents.createdBy, accountId)).run();
      orm.delete(declinedRequests).where(eq(declinedRequests.accountId, accountId)).run();
      orm.update(declinedRequests).set({ addedBy: null }).where(eq(declinedRequests.addedBy, accountId)).run();

      orm.delete(blocks).where(or(eq(blocks.blockerId, accountId), eq(blocks.blockedId, accountId))).run();
      orm.delete(acceptedContacts).where(or(eq(acceptedContacts.accountId, accountId), eq(acceptedContacts.contactId, accountId))).run();
      orm.delete(privacySettings).where(eq(privacySettings.accountId, accountId)).run();

      const result: ErasedMembership[] = [];
      for (const { docId, kind } of left) {
        const remaining = orm
          .select({ id: documentMembers.accountId })
          .from(documentMembers)
          .where(eq(documentMembers.docId, docId))
          .all()
          .map((r) => r.id);
        if (remaining.length === 0) {
          // Nobody can ever read it again: its ciphertext goes too (updates, signatures, envelopes cascade),
          // and so do a community's threads, which nobody else could read either.
          const threads = orm.select({ id: communityThreads.threadId }).from(communityThreads).where(eq(communityThreads.communityId, docId)).all();
          for (const t of threads) orm.delete(documents).where(eq(documents.id, t.id)).run();
          orm.delete(documents).where(eq(documents.id, docId)).run();
          continue;
        }
        // The next writer rotates, so nothing written from now on is under a key the account held.
        if (kind === 'group' || kind === 'community') orm.update(documents).set({ rotationNeeded: true, updatedAt: now }).where(eq(documents.id, docId)).run();
        result.push({ docId, kind, remaining });
      }

      orm
        .update(accounts)
        .set({
          displayName: '',
          signingPublicKey: EMPTY,
          boxPublicKey: EMPTY,
          kdfSalt: EMPTY,
          kdfIterations: 0,
          authHash: EMPTY,
          authSalt: EMPTY,
          recoveryHash: EMPTY,
          recoverySalt: EMPTY,
          passphraseBackup: EMPTY,
          recoveryBackup: EMPTY,
          createdAt: 0,
          deleted: true,
          handleHeldUntil,
        })
        .where(eq(accounts.id, accountId))
        .run();
      return result;
    },

    /** A held handle whose time is up becomes free: the tombstone keeps an unusable placeholder instead. */
    releaseHeldHandle(handle: string, now: number): void {
      orm
        .update(accounts)
        // '~' is outside the handle alphabet: the placeholder can never be looked up or taken.
        .set({ handle: sql`'~' || ${accounts.id}`, handleHeldUntil: null })
        .where(and(eq(accounts.handle, handle), eq(accounts.deleted, true), lte(accounts.handleHeldUntil, now)))
        .run();
    },

  };
}

export type AccountDeletionRepo = ReturnType<typeof createAccountDeletionRepo>;
