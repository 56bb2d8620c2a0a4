// Looks inside a test server's document tables, so refusal tests can prove that nothing changed.
import { eq } from 'drizzle-orm';
import { docClients, documentMembers, documents, docUpdates, entrySignatures, keyEnvelopes } from '../../../sync-server/db/schema-docs';
import type { TestServer } from './server';

const bufferAsBase64 = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
    ? Buffer.from((value as { data: number[] }).data).toString('base64')
    : value;

/** Every row of every document table (documents, members, key envelopes, updates, signatures, client ids). */
export function docTablesFingerprint(server: Pick<TestServer, 'db'>): string {
  const { orm } = server.db;
  return JSON.stringify(
    {
      documents: orm.select().from(documents).all(),
      members: orm.select().from(documentMembers).all(),
      keyEnvelopes: orm.select().from(keyEnvelopes).all(),
      updates: orm.select().from(docUpdates).all(),
      signatures: orm.select().from(entrySignatures).all(),
      clients: orm.select().from(docClients).all(),
    },
    bufferAsBase64,
  );
}

/** Signatures (hex) of every entry ever accepted in a document. */
export function storedSignatures(server: Pick<TestServer, 'db'>, docId: string): Set<string> {
  const rows = server.db.orm.select().from(entrySignatures).where(eq(entrySignatures.docId, docId)).all();
  return new Set(rows.map((r) => Buffer.from(r.signature).toString('hex')));
}

export function docSeq(server: Pick<TestServer, 'db'>, docId: string): number | undefined {
  return server.db.orm.select({ seq: documents.seq }).from(documents).where(eq(documents.id, docId)).get()?.seq;
}

/** How many rows hold a document's outer updates. */
export function docRows(server: Pick<TestServer, 'db'>, docId: string): number {
  return server.db.orm.select().from(docUpdates).where(eq(docUpdates.docId, docId)).all().length;
}
