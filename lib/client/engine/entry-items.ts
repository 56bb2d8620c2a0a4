// Walks the outer entry array with the Yjs item ids, which `toArray()` hides: `Pending` is decided by
// whether an entry's item id is inside the state vector the server reported as durably stored.
import * as Y from 'yjs';

export interface EntryItem {
  client: number;
  clock: number;
  bytes: Uint8Array;
}

/** Live (not deleted) binary entries with their item ids, in array order. */
export function entryItems(entries: Y.Array<Uint8Array>): EntryItem[] {
  const out: EntryItem[] = [];
  let item = (entries as unknown as { _start: Y.Item | null })._start;
  while (item !== null) {
    if (!item.deleted && item.content instanceof Y.ContentBinary) {
      out.push({ client: item.id.client, clock: item.id.clock, bytes: item.content.content });
    }
    item = item.right;
  }
  return out;
}

/** The entries inserted by one outer transaction (for incremental processing). */
export function insertedEntries(event: Y.YArrayEvent<Uint8Array>): EntryItem[] {
  const out: EntryItem[] = [];
  for (const item of event.changes.added) {
    if (!item.deleted && item.content instanceof Y.ContentBinary) {
      out.push({ client: item.id.client, clock: item.id.clock, bytes: item.content.content });
    }
  }
  return out;
}

export const isStored = (entry: { client: number; clock: number }, stored: Map<number, number>): boolean =>
  entry.clock < (stored.get(entry.client) ?? 0);
