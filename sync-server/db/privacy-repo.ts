// Privacy and consent: settings, blocks, accepted contacts, message-request status and declined requests,
// and the questions the sync rooms ask on every write and awareness frame (prepared once).
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { DEFAULT_PRIVACY, type PrivacySettings } from '../../lib/protocol/api-privacy';
import type { WritePolicy } from '../sync/consent';
import type { AccessChanges } from './access-changes';
import type { Orm } from './open';
import { acceptedContacts, blocks, declinedRequests, privacySettings } from './privacy-schema';
import { accounts } from './schema';
import { docClients, documentMembers, documents, keyEnvelopes } from './schema-docs';

export type MemberStatus = 'request' | 'accepted';

const CONVERSATION_KINDS = ['direct', 'group'];

export function createPrivacyRepo(orm: Orm, changes: AccessChanges) {
  const other = alias(documentMembers, 'other');
  const selectOwn = orm
    .select({ status: documentMembers.status, kind: documents.kind })
    .from(documentMembers)
    .innerJoin(documents, eq(documents.id, documentMembers.docId))
    .where(and(eq(documentMembers.docId, sql.placeholder('docId')), eq(documentMembers.accountId, sql.placeholder('accountId'))))
    .prepare();
  // The other members of a one-to-one conversation, and whether a block stands between them and the asker.
  const selectOthers = orm
    .select({
      accountId: other.accountId,
      blocked: sql<number>`exists (select 1 from ${blocks} where (${blocks.blockerId} = ${other.accountId} and ${blocks.blockedId} = ${sql.placeholder('accountId')}) or (${blocks.blockerId} = ${sql.placeholder('accountId')} and ${blocks.blockedId} = ${other.accountId}))`,
      blockedByThem: sql<number>`exists (select 1 from ${blocks} where ${blocks.blockerId} = ${other.accountId} and ${blocks.blockedId} = ${sql.placeholder('accountId')})`,
    })
    .from(other)
    .where(and(eq(other.docId, sql.placeholder('docId')), ne(other.accountId, sql.placeholder('accountId'))))
    .prepare();
  // In a group only this is needed per write: is anyone else an accepted member (then nobody is capped)?
  const selectOtherAccepted = orm
    .select({ one: sql<number>`1` })
    .from(other)
    .where(and(eq(other.docId, sql.placeholder('docId')), ne(other.accountId, sql.placeholder('accountId')), eq(other.status, 'accepted')))
    .limit(1)
    .prepare();
  const selectOtherCount = orm
    .select({ n: count() })
    .from(other)
    .where(and(eq(other.docId, sql.placeholder('docId')), ne(other.accountId, sql.placeholder('accountId'))))
    .prepare();
  const selectGhostCount = orm
    .select({ n: count() })
    .from(declinedRequests)
    .where(eq(declinedRequests.docId, sql.placeholder('docId')))
    .prepare();
  // Someone who declined a one-to-one request with Block is no member any more, and still blocks its sender.
  const selectGhostBlockedMe = orm
    .select({ one: sql<number>`1` })
    .from(declinedRequests)
    .where(
      and(
        eq(declinedRequests.docId, sql.placeholder('docId')),
        sql`exists (select 1 from ${blocks} where ${blocks.blockerId} = ${declinedRequests.accountId} and ${blocks.blockedId} = ${sql.placeholder('accountId')})`,
      ),
    )
    .limit(1)
    .prepare();
  const selectClients = orm
    .select({ clientId: docClients.clientId })
    .from(docClients)
    .where(and(eq(docClients.docId, sql.placeholder('docId')), eq(docClients.accountId, sql.placeholder('accountId'))))
    .prepare();

  const repo = {
    // --- settings ------------------------------------------------------------------------------------------
    settings(accountId: string): PrivacySettings {
      const row = orm.select().from(privacySettings).where(eq(privacySettings.accountId, accountId)).get();
      return row ? { contact: row.contact, readReceipts: row.readReceipts, typing: row.typing } : { ...DEFAULT_PRIVACY };
    },
    putSettings(accountId: string, settings: PrivacySettings, now: number): void {
      orm
        .insert(privacySettings)
        .values({ accountId, ...settings, updatedAt: now })
        .onConflictDoUpdate({ target: privacySettings.accountId, set: { ...settings, updatedAt: now } })
        .run();
    },

    // --- blocks --------------------------------------------------------------------------------------------
    isBlocked(blockerId: string, blockedId: string): boolean {
      return (
        orm
          .select({ one: sql<number>`1` })
          .from(blocks)
          .where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId)))
          .get() !== undefined
      );
    },
    block(blockerId: string, blockedId: string, now: number): void {
      changes.account(blockerId);
      changes.account(blockedId);
      orm.insert(blocks).values({ blockerId, blockedId, createdAt: now }).onConflictDoNothing().run();
    },
    /** False when there was no such block. */
    unblock(blockerId: string, blockedId: string): boolean {
      changes.account(blockerId);
      changes.account(blockedId);
      return orm.delete(blocks).where(and(eq(blocks.blockerId, blockerId), eq(blocks.blockedId, blockedId))).run().changes === 1;
    },
    blocksBy(blockerId: string) {
      return orm
        .select({ accountId: blocks.blockedId, handle: accounts.handle, displayName: accounts.displayName, blockedAt: blocks.createdAt })
        .from(blocks)
        .innerJoin(accounts, eq(accounts.id, blocks.blockedId))
        .where(and(eq(blocks.blockerId, blockerId), eq(accounts.deleted, false)))
        .orderBy(asc(blocks.createdAt), asc(blocks.blockedId))
        .all();
    },

    // --- contacts ------------------------------------------------------------------------------------------
    /** Has `accountId` accepted `contactId`: an explicit accept, or a one-to-one conversation both accepted. */
    hasAccepted(accountId: string, contactId: string): boolean {
      const explicit = orm
        .select({ one: sql<number>`1` })
        .from(acceptedContacts)
        .where(and(eq(acceptedContacts.accountId, accountId), eq(acceptedContacts.contactId, contactId)))
        .get();
      return explicit !== undefined || repo.sharedConversation(accountId, contactId, ['direct']);
    },
    accept(accountId: string, contactId: string, now: number): void {
      orm.insert(acceptedContacts).values({ accountId, contactId, acceptedAt: now }).onConflictDoNothing().run();
    },
    /** Are both accepted members of one document of these kinds (a conversation, or a community with `community`)? */
    sharedConversation(a: string, b: string, kinds: string[] = CONVERSATION_KINDS): boolean {
      const row = orm
        .select({ one: sql<number>`1` })
        .from(documentMembers)
        .innerJoin(other, and(eq(other.docId, documentMembers.docId), eq(other.accountId, b), eq(other.status, 'accepted')))
        .innerJoin(documents, eq(documents.id, documentMembers.docId))
        .where(and(eq(documentMembers.accountId, a), eq(documentMembers.status, 'accepted'), inArray(documents.kind, kinds)))
        .limit(1)
        .get();
      return row !== undefined;
    },
    contactsOf(accountId: string) {
      return orm
        .select({ accountId: acceptedContacts.contactId, handle: accounts.handle, displayName: accounts.displayName, acceptedAt: acceptedContacts.acceptedAt })
        .from(acceptedContacts)
        .innerJoin(accounts, eq(accounts.id, acceptedContacts.contactId))
        .where(and(eq(acceptedContacts.accountId, accountId), eq(accounts.deleted, false)))
        .orderBy(asc(acceptedContacts.acceptedAt), asc(acceptedContacts.contactId))
        .all();
    },

    // --- requests ------------------------------------------------------------------------------------------
    membership(docId: string, accountId: string) {
      return orm
        .select()
        .from(documentMembers)
        .where(and(eq(documentMembers.docId, docId), eq(documentMembers.accountId, accountId)))
        .get();
    },
    setStatus(docId: string, accountIds: string[], status: MemberStatus): void {
      if (accountIds.length === 0) return;
      changes.doc(docId);
      orm
        .update(documentMembers)
        .set({ status })
        .where(and(eq(documentMembers.docId, docId), inArray(documentMembers.accountId, accountIds)))
        .run();
    },
    /** Declines: the member row becomes a declined request the others still see; its key envelopes go. */
    decline(docId: string, accountId: string, now: number): boolean {
      const row = repo.membership(docId, accountId);
      if (!row || row.status !== 'request') return false;
      changes.doc(docId);
      orm
        .insert(declinedRequests)
        .values({ docId, accountId, addedBy: row.addedBy, joinedAt: row.joinedAt, joinedEpoch: row.joinedEpoch, declinedAt: now })
        .onConflictDoNothing()
        .run();
      orm.delete(documentMembers).where(and(eq(documentMembers.docId, docId), eq(documentMembers.accountId, accountId))).run();
      orm.delete(keyEnvelopes).where(and(eq(keyEnvelopes.docId, docId), eq(keyEnvelopes.recipientId, accountId))).run();
      return true;
    },
    /** Members with their status and join time, for views (a deleted account's row is a tombstone). */
    memberRows(docId: string) {
      return orm
        .select({
          accountId: documentMembers.accountId,
          status: documentMembers.status,
          joinedAt: documentMembers.joinedAt,
          joinedEpoch: documentMembers.joinedEpoch,
          handle: accounts.handle,
          displayName: accounts.displayName,
          signingPublicKey: accounts.signingPublicKey,
          boxPublicKey: accounts.boxPublicKey,
          deleted: accounts.deleted,
        })
        .from(documentMembers)
        .innerJoin(accounts, eq(accounts.id, documentMembers.accountId))
        .where(eq(documentMembers.docId, docId))
        .all();
    },
    /** Declined members as the other members see them (the same entry they saw before). */
    declinedMembers(docId: string) {
      return orm
        .select({
          accountId: declinedRequests.accountId,
          joinedAt: declinedRequests.joinedAt,
          joinedEpoch: declinedRequests.joinedEpoch,
          handle: accounts.handle,
          displayName: accounts.displayName,
          signingPublicKey: accounts.signingPublicKey,
          boxPublicKey: accounts.boxPublicKey,
          deleted: accounts.deleted,
        })
        .from(declinedRequests)
        .innerJoin(accounts, eq(accounts.id, declinedRequests.accountId))
        .where(eq(declinedRequests.docId, docId))
        .all();
    },
    declinedIds(docId: string): string[] {
      return orm
        .select({ id: declinedRequests.accountId })
        .from(declinedRequests)
        .where(eq(declinedRequests.docId, docId))
        .all()
        .map((r) => r.id);
    },
    forgetDeclined(docId: string, accountIds: string[]): void {
      if (accountIds.length === 0) return;
      changes.doc(docId);
      orm.delete(declinedRequests).where(and(eq(declinedRequests.docId, docId), inArray(declinedRequests.accountId, accountIds))).run();
    },
    declinedBy(accountId: string) {
      return orm
        .select({ docId: declinedRequests.docId, declinedAt: declinedRequests.declinedAt })
        .from(declinedRequests)
        .where(eq(declinedRequests.accountId, accountId))
        .orderBy(asc(declinedRequests.declinedAt))
        .all();
    },
    /** Statuses and join details of the caller's memberships, with each document's epoch and seq. */
    membershipsOf(accountId: string) {
      const rows = orm
        .select({
          docId: documentMembers.docId,
          kind: documents.kind,
          status: documentMembers.status,
          addedBy: documentMembers.addedBy,
          joinedAt: documentMembers.joinedAt,
          joinedEpoch: documentMembers.joinedEpoch,
          epoch: documents.epoch,
          seq: documents.seq,
        })
        .from(documentMembers)
        .innerJoin(documents, eq(documents.id, documentMembers.docId))
        .where(eq(documentMembers.accountId, accountId))
        .orderBy(asc(documentMembers.joinedAt))
        .all();
      const epochs = orm
        .select({ docId: keyEnvelopes.docId, epoch: keyEnvelopes.epoch })
        .from(keyEnvelopes)
        .where(eq(keyEnvelopes.recipientId, accountId))
        .orderBy(asc(keyEnvelopes.epoch))
        .all();
      return rows.map((r) => ({ ...r, keyEpochs: epochs.filter((e) => e.docId === r.docId).map((e) => e.epoch) }));
    },

    // --- what the sync rooms ask ---------------------------------------------------------------------------
    writePolicy(docId: string, accountId: string): WritePolicy {
      const own = selectOwn.get({ docId, accountId });
      // A recipient who has not accepted yet may still write (e.g. compact); not revealing read receipts
      // before accepting is the device's part, as the issue asks.
      if (!own || !CONVERSATION_KINDS.includes(own.kind) || own.status === 'request') return { kind: 'open' };
      if (
        own.kind === 'direct' &&
        (selectOthers.all({ docId, accountId }).some((o) => o.blockedByThem === 1) || selectGhostBlockedMe.get({ docId, accountId }) !== undefined)
      ) {
        return { kind: 'refused', code: 'entry.blocked' };
      }
      if (selectOtherAccepted.get({ docId, accountId }) !== undefined) return { kind: 'open' };
      // Alone with requests (or with people who declined, which must look the same to the sender).
      const waiting = (selectOtherCount.get({ docId, accountId })?.n ?? 0) + (selectGhostCount.get({ docId })?.n ?? 0);
      return waiting > 0 ? { kind: 'capped' } : { kind: 'open' };
    },
    clientIdsOf(docId: string, accountId: string): number[] {
      return selectClients.all({ docId, accountId }).map((r) => r.clientId);
    },
    /**
     * Who must not see this account's awareness (presence, typing) in a document: everyone while it is still a
     * request there (nothing is revealed before accepting), and across a block in a one-to-one conversation.
     */
    awarenessHiddenFrom(docId: string, accountId: string): 'everyone' | Set<string> {
      const own = selectOwn.get({ docId, accountId });
      if (!own || !CONVERSATION_KINDS.includes(own.kind)) return new Set();
      if (own.status === 'request') return 'everyone';
      if (own.kind !== 'direct') return new Set();
      return new Set(selectOthers.all({ docId, accountId }).flatMap((o) => (o.blocked === 1 ? [o.accountId] : [])));
    },
  };
  return repo;
}

export type PrivacyRepo = ReturnType<typeof createPrivacyRepo>;

