// Decides whether an outer update from a socket may be stored. Pure with respect to its inputs:
// it reads the room's state and the store, and returns what to commit or a named refusal. Nothing changes here.
import { checkOuterUpdate, OUTER_UPDATE_LIMITS } from '../../lib/protocol/yjs-update-scan';
import type { DocStore, VerifyEntry } from './doc-store';
import type { RangeSet } from './range-set';

export type UpdateRefusal =
  | 'update.malformed'
  | 'update.too_large'
  | 'update.too_complex'
  | 'update.forbidden_content'
  | 'update.outside_entries'
  | 'update.missing_dependencies'
  | 'update.client_id_taken'
  | 'update.delete_without_snapshot'
  | 'entry.duplicate'
  | (string & {});

export interface AcceptedUpdate {
  /** False when every struct was already stored: nothing to commit, nothing to relay. */
  changed: boolean;
  signatures: Uint8Array[];
  newClients: number[];
  /** The end clock of every client this update advances. */
  advances: Map<number, number>;
  /** Deletions not yet in the accepted state. */
  newDeletes: Array<{ client: number; clock: number; length: number }>;
}

export interface RoomView {
  docId: string;
  /** Accepted state (committed plus validated-but-not-yet-committed). */
  stateVector: Map<number, number>;
  /** Signatures accepted but not yet committed, as base64-ish keys. */
  pendingSignatures: Set<string>;
  /** Client ids bound in this room but not yet committed. */
  pendingClients: Map<number, string>;
  /** Ranges already deleted in the accepted state: re-sent deletions need no snapshot. */
  deleted: RangeSet;
}

/** An offline backlog of this many entries still fits one update; more is refused, not queued. */
export const MAX_NEW_ENTRIES = 5000;
const YIELD_EVERY = 256;
/** One update may not keep the server checking signatures longer than this. */
const WATCHDOG_MS = 5000;

export const signatureKey = (signature: Uint8Array): string => Buffer.from(signature).toString('base64');

export async function validateOuterUpdate(
  update: Uint8Array,
  ctx: {
    room: RoomView;
    accountId: string;
    authorKey: Uint8Array;
    currentEpoch: number;
    store: DocStore;
    verifyEntry: VerifyEntry;
  },
): Promise<{ ok: true; value: AcceptedUpdate } | { ok: false; code: UpdateRefusal }> {
  const checked = checkOuterUpdate(update, OUTER_UPDATE_LIMITS);
  if (!checked.ok) return checked;

  const { room, store } = ctx;
  const advances = new Map<number, number>();
  const newClients: number[] = [];
  const newEntries: Uint8Array[] = [];
  for (const s of checked.structs) {
    const known = advances.get(s.client) ?? room.stateVector.get(s.client) ?? 0;
    const end = s.clock + s.length;
    if (end <= known) continue;
    // Structs of one client arrive contiguous from what is stored: a gap would leave content no one can apply.
    if (s.clock > known || s.skip) return { ok: false, code: 'update.missing_dependencies' };
    if (!advances.has(s.client)) {
      const owner = room.pendingClients.get(s.client) ?? store.clientOwner(room.docId, s.client);
      if (owner === undefined) newClients.push(s.client);
      else if (owner !== ctx.accountId) return { ok: false, code: 'update.client_id_taken' };
    }
    advances.set(s.client, end);
    if (s.entry) newEntries.push(s.entry);
  }

  if (newEntries.length > MAX_NEW_ENTRIES) return { ok: false, code: 'update.too_complex' };
  const signatures: Uint8Array[] = [];
  const seen = new Set<string>();
  let snapshots = 0;
  const started = performance.now();
  for (const [i, bytes] of newEntries.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) {
      // Let other sockets' frames through while a long offline backlog is checked.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (performance.now() - started > WATCHDOG_MS) return { ok: false, code: 'update.too_complex' };
    }
    const verified = await ctx.verifyEntry(bytes, { docId: room.docId, author: ctx.authorKey, currentEpoch: ctx.currentEpoch });
    if (!verified.ok) return verified;
    const key = signatureKey(verified.signature);
    if (seen.has(key) || room.pendingSignatures.has(key) || store.hasEntrySignature(room.docId, verified.signature)) {
      return { ok: false, code: 'entry.duplicate' };
    }
    seen.add(key);
    signatures.push(verified.signature);
    if (verified.kind === 'snapshot') snapshots++;
  }
  // From here on every new entry is signed by the socket's account, a current member, for this document.
  const newDeletes = checked.deletes.filter((d) => !room.deleted.covers(d.client, d.clock, d.length));
  if (newDeletes.length > 0 && snapshots === 0) return { ok: false, code: 'update.delete_without_snapshot' };

  return { ok: true, value: { changed: advances.size > 0 || newDeletes.length > 0, signatures, newClients, advances, newDeletes } };
}
