// The sync rooms' persistence (DocStore) over SQLite: outer updates, entry signatures, client bindings.
// Hot-path statements are prepared once per server.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { CommitItem, DocStore } from '../sync/doc-store';
import { asBuffer } from './bytes';
import type { Database } from './open';
import { docClients, documents, docUpdates, entrySignatures } from './schema-docs';
import { createSignatureMemory, signatureHintOfHex } from './signature-memory';

export interface SqliteDocStore extends DocStore {
  /** Documents whose entry signatures are held in memory now (tests: a closed room leaves nothing behind). */
  heldSignatureDocuments(): number;
}

export function createDocStore(db: Database, now: () => number): SqliteDocStore {
  const { orm } = db;
  const selectUpdates = orm
    .select({ update: docUpdates.update })
    .from(docUpdates)
    .where(eq(docUpdates.docId, sql.placeholder('docId')))
    .orderBy(asc(docUpdates.seq))
    .prepare();
  const selectSignature = orm
    .select({ one: sql<number>`1` })
    .from(entrySignatures)
    .where(and(eq(entrySignatures.docId, sql.placeholder('docId')), eq(entrySignatures.signature, sql.placeholder('signature'))))
    .prepare();
  const selectSignatureHints = orm
    .select({ prefix: sql<string>`hex(substr(${entrySignatures.signature}, 1, 4))` })
    .from(entrySignatures)
    .where(eq(entrySignatures.docId, sql.placeholder('docId')))
    .prepare();
  const selectClient = orm
    .select({ accountId: docClients.accountId })
    .from(docClients)
    .where(and(eq(docClients.docId, sql.placeholder('docId')), eq(docClients.clientId, sql.placeholder('clientId'))))
    .prepare();
  const bumpSeq = orm
    .update(documents)
    .set({ seq: sql`${documents.seq} + 1`, updatedAt: sql`${sql.placeholder('now')}` })
    .where(eq(documents.id, sql.placeholder('docId')))
    .returning({ seq: documents.seq })
    .prepare();
  const insertUpdate = orm
    .insert(docUpdates)
    .values({ docId: sql.placeholder('docId'), seq: sql.placeholder('seq'), update: sql.placeholder('update') })
    .prepare();
  const insertSignature = orm
    .insert(entrySignatures)
    .values({ docId: sql.placeholder('docId'), signature: sql.placeholder('signature') })
    .prepare();
  const insertClient = orm
    .insert(docClients)
    .values({ docId: sql.placeholder('docId'), clientId: sql.placeholder('clientId'), accountId: sql.placeholder('accountId') })
    .prepare();
  // A held document's signatures reach the table only through commit() below, which keeps the memory current.
  const signatures = createSignatureMemory((docId) => selectSignatureHints.all({ docId }).map((row) => signatureHintOfHex(row.prefix)));

  return {
    loadUpdates(docId) {
      return selectUpdates.all({ docId }).map((row) => new Uint8Array(row.update));
    },
    replaceUpdates(docId, merged) {
      db.transaction(() => {
        const seq = orm.select({ seq: documents.seq }).from(documents).where(eq(documents.id, docId)).get()?.seq ?? 0;
        orm.delete(docUpdates).where(eq(docUpdates.docId, docId)).run();
        orm.insert(docUpdates).values({ docId, seq, update: asBuffer(merged) }).run();
      });
    },
    hasEntrySignature(docId, signature) {
      // A new entry of an open document is answered from memory; a possible replay, or a document no room holds,
      // asks the table (whose unique index stays the final guard at commit).
      if (signatures.mayHave(docId, signature) === false) return false;
      return selectSignature.get({ docId, signature: asBuffer(signature) }) !== undefined;
    },
    holdSignatures: (docId) => signatures.hold(docId),
    heldSignatureDocuments: () => signatures.heldDocuments(),
    clientOwner(docId, clientId) {
      return selectClient.get({ docId, clientId })?.accountId;
    },
    commit(batch: CommitItem[]) {
      const seqs = new Map<string, number>();
      const t = now();
      db.transaction(() => {
        for (const item of batch) {
          const seq = bumpSeq.get({ docId: item.docId, now: t })?.seq;
          if (seq === undefined) throw new Error('commit for a document that does not exist');
          insertUpdate.run({ docId: item.docId, seq, update: asBuffer(item.update) });
          for (const signature of item.signatures) insertSignature.run({ docId: item.docId, signature: asBuffer(signature) });
          for (const clientId of item.newClients) insertClient.run({ docId: item.docId, clientId, accountId: item.accountId });
          seqs.set(item.docId, seq);
        }
      });
      for (const item of batch) signatures.committed(item.docId, item.signatures);
      return seqs;
    },
  };
}
