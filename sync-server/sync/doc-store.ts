// What the sync rooms need from persistence. The SQLite adapter implements it; rooms never write SQL.

export interface CommitItem {
  docId: string;
  accountId: string;
  /** The outer Yjs update exactly as accepted. */
  update: Uint8Array;
  /** Signatures of the new entries: a replayed entry is refused forever after, even once compacted away. */
  signatures: Uint8Array[];
  /** Yjs client ids used for the first time in this document, bound to the writer from now on. */
  newClients: number[];
}

export interface DocStore {
  /** Every stored outer update of a document, oldest first. */
  loadUpdates(docId: string): Uint8Array[];
  /** Replaces the stored updates of a document by their merge (same content, fewer rows). */
  replaceUpdates(docId: string, merged: Uint8Array, count: number): void;
  /** Whether an entry with this signature was ever committed to the document (compacted away or not). */
  hasEntrySignature(docId: string, signature: Uint8Array): boolean;
  /**
   * An open room's hold on its document: until every hold is released, `hasEntrySignature` answers a signature
   * the document never stored from memory (loaded at the first question, kept current by `commit`), without a
   * query. Returns the release; calling it again does nothing.
   */
  holdSignatures(docId: string): () => void;
  clientOwner(docId: string, clientId: number): string | undefined;
  /** Commits a batch in ONE durable transaction; returns each document's new sequence number. */
  commit(batch: CommitItem[]): Map<string, number>;
}

/** Who may do what in a document, answered by the membership tables. */
export interface DocAccess {
  /**
   * The document whose members, epoch and writes decide access to this one (a community's thread answers to its
   * community); the document itself when omitted or when nothing governs it.
   */
  governing?(docId: string): string;
  /** The current epoch of a document, or undefined when the document does not exist. */
  currentEpoch(docId: string): number | undefined;
  isMember(docId: string, accountId: string): boolean;
  /** Every member of a document (any status). */
  memberIds(docId: string): string[];
  /** The Ed25519 public key of an account (raw 32 bytes). */
  signingKey(accountId: string): Uint8Array | undefined;
}

export type EntryKind = 'update' | 'snapshot';

/** Checks one new envelope entry; the wiring implements it with lib/protocol/envelope and node:crypto. */
export type VerifyEntry = (
  bytes: Uint8Array,
  expected: { docId: string; author: Uint8Array; currentEpoch: number },
) => Promise<{ ok: true; kind: EntryKind; signature: Uint8Array } | { ok: false; code: string }>;
