// Documents, members, key envelopes and membership records: who may read and write what.
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { AccessChanges } from './access-changes';
import { asBuffer } from './bytes';
import type { Orm } from './open';
import { accounts } from './schema';
import { documentMembers, documents, keyEnvelopes, type DocumentRow } from './schema-docs';

export interface NewKeyEnvelope {
  recipientId: string;
  envelope: Uint8Array;
}

export function createDocumentsRepo(orm: Orm, changes: AccessChanges) {
  const selectMember = orm
    .select({ one: sql<number>`1` })
    .from(documentMembers)
    .where(and(eq(documentMembers.docId, sql.placeholder('docId')), eq(documentMembers.accountId, sql.placeholder('accountId'))))
    .prepare();
  // Asked on every commit (event streams): prepared once.
  const selectMemberIds = orm
    .select({ id: documentMembers.accountId })
    .from(documentMembers)
    .where(eq(documentMembers.docId, sql.placeholder('docId')))
    .prepare();
  const selectEpoch = orm
    .select({ epoch: documents.epoch })
    .from(documents)
    .where(eq(documents.id, sql.placeholder('docId')))
    .prepare();

  const repo = {
    find(docId: string): DocumentRow | undefined {
      return orm.select().from(documents).where(eq(documents.id, docId)).get();
    },
    currentEpoch(docId: string): number | undefined {
      return selectEpoch.get({ docId })?.epoch;
    },
    isMember(docId: string, accountId: string): boolean {
      return selectMember.get({ docId, accountId }) !== undefined;
    },
    memberIds(docId: string): string[] {
      return selectMemberIds.all({ docId }).map((r) => r.id);
    },
    memberCount(docId: string): number {
      return orm.select({ n: count() }).from(documentMembers).where(eq(documentMembers.docId, docId)).get()?.n ?? 0;
    },
    /** The documents of an account, most recently active first. */
    listFor(accountId: string, kinds: string[]): DocumentRow[] {
      return orm
        .select({ doc: documents })
        .from(documentMembers)
        .innerJoin(documents, eq(documents.id, documentMembers.docId))
        .where(and(eq(documentMembers.accountId, accountId), inArray(documents.kind, kinds)))
        .orderBy(desc(documents.updatedAt))
        .all()
        .map((r) => r.doc);
    },
    seqsFor(accountId: string): Array<{ id: string; seq: number }> {
      return orm
        .select({ id: documents.id, seq: documents.seq })
        .from(documentMembers)
        .innerJoin(documents, eq(documents.id, documentMembers.docId))
        .where(eq(documentMembers.accountId, accountId))
        .all();
    },
    members(docId: string) {
      return orm
        .select({
          accountId: documentMembers.accountId,
          joinedEpoch: documentMembers.joinedEpoch,
          handle: accounts.handle,
          displayName: accounts.displayName,
          signingPublicKey: accounts.signingPublicKey,
          boxPublicKey: accounts.boxPublicKey,
        })
        .from(documentMembers)
        .leftJoin(accounts, eq(accounts.id, documentMembers.accountId))
        .where(eq(documentMembers.docId, docId))
        .orderBy(asc(documentMembers.joinedAt))
        .all();
    },
    keyEnvelopesFor(docId: string, recipientId: string) {
      return orm
        .select({ epoch: keyEnvelopes.epoch, senderId: keyEnvelopes.senderId, envelope: keyEnvelopes.envelope })
        .from(keyEnvelopes)
        .where(and(eq(keyEnvelopes.docId, docId), eq(keyEnvelopes.recipientId, recipientId)))
        .orderBy(asc(keyEnvelopes.epoch))
        .all();
    },
    create(doc: { id: string; kind: string; createdBy: string; now: number }, memberIds: string[], envelopes: NewKeyEnvelope[]): boolean {
      const inserted = orm
        .insert(documents)
        .values({ id: doc.id, kind: doc.kind, createdBy: doc.createdBy, createdAt: doc.now, epoch: 0, updatedAt: doc.now })
        .onConflictDoNothing()
        .run();
      if (inserted.changes !== 1) return false;
      changes.doc(doc.id);
      for (const accountId of memberIds) {
        orm.insert(documentMembers).values({ docId: doc.id, accountId, addedBy: doc.createdBy, joinedAt: doc.now, joinedEpoch: 0 }).run();
      }
      repo.putKeyEnvelopes(doc.id, 0, doc.createdBy, envelopes, doc.now);
      return true;
    },
    addMembers(docId: string, memberIds: string[], addedBy: string, epoch: number, now: number): void {
      changes.doc(docId);
      for (const accountId of memberIds) {
        orm.insert(documentMembers).values({ docId, accountId, addedBy, joinedAt: now, joinedEpoch: epoch }).run();
      }
    },
    removeMember(docId: string, accountId: string): void {
      changes.doc(docId);
      orm.delete(documentMembers).where(and(eq(documentMembers.docId, docId), eq(documentMembers.accountId, accountId))).run();
    },
    putKeyEnvelopes(docId: string, epoch: number, senderId: string, envelopes: NewKeyEnvelope[], now: number): void {
      for (const e of envelopes) {
        orm
          .insert(keyEnvelopes)
          .values({ docId, epoch, recipientId: e.recipientId, senderId, envelope: asBuffer(e.envelope), createdAt: now })
          .onConflictDoUpdate({
            target: [keyEnvelopes.docId, keyEnvelopes.epoch, keyEnvelopes.recipientId],
            set: { senderId, envelope: asBuffer(e.envelope), createdAt: now },
          })
          .run();
      }
    },
    setEpoch(docId: string, epoch: number, rotationNeeded: boolean, now: number): void {
      changes.doc(docId);
      orm.update(documents).set({ epoch, rotationNeeded, updatedAt: now }).where(eq(documents.id, docId)).run();
    },
    markRotationNeeded(docId: string, now: number): void {
      orm.update(documents).set({ rotationNeeded: true, updatedAt: now }).where(eq(documents.id, docId)).run();
    },
    touch(docId: string, now: number): void {
      orm.update(documents).set({ updatedAt: now }).where(eq(documents.id, docId)).run();
    },
  };
  return repo;
}

export type DocumentsRepo = ReturnType<typeof createDocumentsRepo>;
