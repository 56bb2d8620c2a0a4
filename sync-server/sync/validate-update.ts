// Decides whether an outer update from a socket may be stored, in two steps. `verifyOuterUpdate` checks the
// structure and the signature of every entry the room does not hold yet; it awaits, so other sockets' frames are
// handled meanwhile. `claimOuterUpdate` then works out, with no await, what the update adds to the room as it is at
// that moment: the caller reserves the result before anything else runs, so two sockets can never both claim the
// same clocks, signature or client id. Neither changes anything; each returns a value or a named refusal.
import { checkOuterUpdate, OUTER_UPDATE_LIMITS, type StructRange } from '../../lib/protocol/yjs-update-scan';
import type { DocStore, EntryKind, VerifyEntry } from './doc-store';
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
  /** The account a Yjs client id is bound to here, committed or being committed; undefined while unbound. */
  clientOwner(clientId: number): string | undefined;
  /** Ranges already deleted in the accepted state: re-sent deletions need no snapshot. */
  deleted: RangeSet;
}

/** An update whose structure is checked and whose new entries are verified; what it adds is decided by the claim. */
export interface VerifiedUpdate {
  structs: StructRange[];
  deletes: Array<{ client: number; clock: number; length: number }>;
  /** Every entry new to the room when it was verified, by its bytes (as the structs hold them). */
  entries: Map<Uint8Array, { kind: EntryKind; signature: Uint8Array }>;
}

type Refusal = { ok: false; code: UpdateRefusal };

/** An offline backlog of this many entries still fits one update; more is refused, not queued. */
export const MAX_NEW_ENTRIES = 5000;
/** Entries verified at once (node:crypto runs them on its thread pool); between groups other sockets get a turn. */
const VERIFY_TOGETHER = 64;
/** One update may not keep the server checking signatures longer than this. */
const WATCHDOG_MS = 5000;

export const signatureKey = (signature: Uint8Array): string => Buffer.from(signature).toString('base64');

/** What the structs add to the room's accepted state now: new clock ranges, first uses of client ids, new entries. */
interface NewContent {
  ok: true;
  advances: Map<number, number>;
  newClients: number[];
  newEntries: Uint8Array[];
}

function newContent(structs: StructRange[], room: RoomView, accountId: string): NewContent | Refusal {
  const advances = new Map<number, number>();
  const newClients: number[] = [];
  const newEntries: Uint8Array[] = [];
  for (const s of structs) {
    const known = advances.get(s.client) ?? room.stateVector.get(s.client) ?? 0;
    const end = s.clock + s.length;
    if (end <= known) continue;
    // Structs of one client arrive contiguous from what is stored: a gap would leave content no one can apply.
    if (s.clock > known || s.skip) return { ok: false, code: 'update.missing_dependencies' };
    if (!advances.has(s.client)) {
      const owner = room.clientOwner(s.client);
      if (owner === undefined) newClients.push(s.client);
      else if (owner !== accountId) return { ok: false, code: 'update.client_id_taken' };
    }
    advances.set(s.client, end);
    if (s.entry) newEntries.push(s.entry);
  }
  return { ok: true, advances, newClients, newEntries };
}

export async function verifyOuterUpdate(
  update: Uint8Array,
  ctx: { room: RoomView; accountId: string; authorKey: Uint8Array; currentEpoch: number; verifyEntry: VerifyEntry },
): Promise<{ ok: true; value: VerifiedUpdate } | Refusal> {
  const checked = checkOuterUpdate(update, OUTER_UPDATE_LIMITS);
  if (!checked.ok) return checked;
  const content = newContent(checked.structs, ctx.room, ctx.accountId);
  if (!content.ok) return content;
  const { newEntries } = content;
  if (newEntries.length > MAX_NEW_ENTRIES) return { ok: false, code: 'update.too_complex' };

  const entries: VerifiedUpdate['entries'] = new Map();
  const started = performance.now();
  for (let at = 0; at < newEntries.length; at += VERIFY_TOGETHER) {
    if (at > 0) {
      // A long offline backlog: let other sockets' frames through between groups.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (performance.now() - started > WATCHDOG_MS) return { ok: false, code: 'update.too_complex' };
    }
    const group = newEntries.slice(at, at + VERIFY_TOGETHER);
    const results = await Promise.all(
      group.map((bytes) => ctx.verifyEntry(bytes, { docId: ctx.room.docId, author: ctx.authorKey, currentEpoch: ctx.currentEpoch })),
    );
    for (const [i, verified] of results.entries()) {
      if (!verified.ok) return verified;
      entries.set(group[i]!, { kind: verified.kind, signature: verified.signature });
    }
  }
  // From here on every entry new to the room is signed by the socket's account, a current member, for this document.
  return { ok: true, value: { structs: checked.structs, deletes: checked.deletes, entries } };
}

/** Must run with no await between it and the reservation of its result. */
export function claimOuterUpdate(
  verified: VerifiedUpdate,
  ctx: { room: RoomView; accountId: string; store: DocStore },
): { ok: true; value: AcceptedUpdate } | Refusal {
  const { room, store } = ctx;
  // Other sockets may have reserved some of the same structs while the signatures were checked: only what is still
  // new counts. The state only grows meanwhile, so every entry still new was verified above.
  const content = newContent(verified.structs, room, ctx.accountId);
  if (!content.ok) return content;
  const { advances, newClients, newEntries } = content;

  const signatures: Uint8Array[] = [];
  const seen = new Set<string>();
  let snapshots = 0;
  for (const bytes of newEntries) {
    const entry = verified.entries.get(bytes);
    if (!entry) throw new Error('an entry new to the room was not verified');
    const key = signatureKey(entry.signature);
    if (seen.has(key) || room.pendingSignatures.has(key) || store.hasEntrySignature(room.docId, entry.signature)) {
      return { ok: false, code: 'entry.duplicate' };
    }
    seen.add(key);
    signatures.push(entry.signature);
    if (entry.kind === 'snapshot') snapshots++;
  }
  const newDeletes = verified.deletes.filter((d) => !room.deleted.covers(d.client, d.clock, d.length));
  if (newDeletes.length > 0 && snapshots === 0) return { ok: false, code: 'update.delete_without_snapshot' };

  return { ok: true, value: { changed: advances.size > 0 || newDeletes.length > 0, signatures, newClients, advances, newDeletes } };
}
