// The entry signatures of the documents open rooms hold, in memory, so that checking a new entry for a replay costs
// no query. Exact by construction: every signature a held document stored has its hint here (loaded from the table at
// the first question, added by each commit once it is on disk), so a miss is an answer; a hit only says "ask the table".
// Rows deleted behind its back (a deleted community) leave hints that only cost a query. It relies on the store that
// owns it being the one writer of a held document's signatures, as the rooms' state vectors already do.

/**
 * 30 bits of the signature's R, which is uniformly distributed: a small integer that a Set keeps unboxed (about 20
 * bytes per entry, against over a hundred for a string key). Two signatures sharing it cost one query, never a wrong
 * answer. The first four bytes, big-endian, without the top two bits.
 */
export const signatureHint = (signature: Uint8Array): number =>
  (((signature[0] ?? 0) & 0x3f) << 24) | ((signature[1] ?? 0) << 16) | ((signature[2] ?? 0) << 8) | (signature[3] ?? 0);

/** The same hint from the hex of the first four bytes (SQLite's `hex(substr(signature, 1, 4))`: no Buffer per row). */
export const signatureHintOfHex = (hexPrefix: string): number => Number.parseInt(hexPrefix.slice(0, 8), 16) & 0x3fffffff;

interface Held {
  holds: number;
  /** null until the first question: a room that only reads never loads them. */
  hints: Set<number> | null;
}

export function createSignatureMemory(loadHints: (docId: string) => Iterable<number>) {
  const held = new Map<string, Held>();
  return {
    /** Returns the release; when the last hold on a document is released its memory goes. */
    hold(docId: string): () => void {
      let entry = held.get(docId);
      if (!entry) held.set(docId, (entry = { holds: 0, hints: null }));
      const holder = entry;
      holder.holds++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holder.holds--;
        if (holder.holds === 0 && held.get(docId) === holder) held.delete(docId);
      };
    },
    /** false: the document never stored this signature (exact); true: it may have; undefined: no room holds it. */
    mayHave(docId: string, signature: Uint8Array): boolean | undefined {
      const entry = held.get(docId);
      if (!entry) return undefined;
      entry.hints ??= new Set(loadHints(docId));
      return entry.hints.has(signatureHint(signature));
    },
    /** Called once a commit is durable: a rolled-back batch never reaches the memory. */
    committed(docId: string, signatures: readonly Uint8Array[]): void {
      const hints = held.get(docId)?.hints;
      if (hints) for (const signature of signatures) hints.add(signatureHint(signature));
    },
    /** Documents held now (for tests: a closed room leaves nothing behind). */
    heldDocuments(): number {
      return held.size;
    },
  };
}
