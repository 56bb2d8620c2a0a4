import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkOuterUpdate, OUTER_UPDATE_LIMITS, scanUpdate, type ContentKind, type ScanLimits } from '../../lib/protocol/yjs-update-scan';

const ALL: ScanLimits = {
  maxBytes: 1 << 22,
  maxStructs: 100_000,
  maxLength: 10_000_000,
  maxDepth: 32,
  allowed: new Set<ContentKind>(['deleted', 'json', 'binary', 'string', 'embed', 'format', 'type', 'any', 'doc']),
};

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function richDoc(random: () => number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = Math.floor(random() * 2 ** 31);
  const map = doc.getMap('m');
  const text = doc.getText('t');
  const array = doc.getArray<unknown>('a');
  for (let i = 0; i < 40; i++) {
    const op = Math.floor(random() * 6);
    doc.transact(() => {
      if (op === 0) map.set(`k${i % 7}`, { n: i, s: 'x'.repeat(i), nested: [1, { deep: [true, null] }], b: new Uint8Array([i]) });
      else if (op === 1) text.insert(Math.floor(random() * (text.length + 1)), `héllo ${i} 🙂`);
      else if (op === 2 && text.length > 2) text.delete(0, 2);
      else if (op === 3) array.push([new Uint8Array([1, 2, i]), i, 'str', 1.5]);
      else if (op === 4) {
        const sub = new Y.Map<unknown>();
        map.set(`sub${i}`, sub);
        sub.set('x', i);
      } else if (array.length > 0) array.delete(0, 1);
    });
  }
  return doc;
}

describe('scanUpdate', () => {
  it('reads every update Yjs writes and finds the same structs as the Yjs decoder', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const doc = richDoc(prng(seed));
      const update = Y.encodeStateAsUpdate(doc);
      const scanned = scanUpdate(update, ALL);
      expect(scanned.ok, `seed ${seed}`).toBe(true);
      if (!scanned.ok) continue;
      const decoded = Y.decodeUpdate(update);
      const decodedItems = decoded.structs.filter((s) => s instanceof Y.Item);
      expect(scanned.value.items.length, `seed ${seed}`).toBe(decodedItems.length);
      expect(scanned.value.items.map((i) => [i.client, i.clock, i.length])).toEqual(
        decodedItems.map((i) => [i.id.client, i.id.clock, i.length]),
      );
      const deleteCount = [...decoded.ds.clients.values()].reduce((n, ranges) => n + ranges.length, 0);
      expect(scanned.value.deletes.length).toBe(deleteCount);
    }
  });

  it('never throws and always answers for mutated and truncated updates', () => {
    const random = prng(7);
    const base = Y.encodeStateAsUpdate(richDoc(random));
    for (let i = 0; i < 2000; i++) {
      const bytes = base.slice(0, Math.floor(random() * (base.length + 1)));
      for (let j = 0; j < 3; j++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const result = scanUpdate(bytes, ALL);
      expect(typeof result.ok).toBe('boolean');
    }
  });

  it('refuses a struct count larger than the bytes that follow, without allocating it', () => {
    // One client claiming 2^40 structs.
    const bytes = new Uint8Array([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 0]);
    expect(scanUpdate(bytes, ALL)).toEqual({ ok: false, code: 'update.malformed' });
  });

  it('refuses a varint longer than a safe integer', () => {
    const bytes = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(scanUpdate(bytes, ALL)).toEqual({ ok: false, code: 'update.malformed' });
  });

  it('refuses a deleted range longer than the limit', () => {
    const doc = new Y.Doc();
    doc.getArray('a').push([1]);
    const update = Y.encodeStateAsUpdate(doc);
    // Append a delete set claiming a huge range.
    const patched = new Uint8Array([...update.slice(0, -1), 1, 5, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(scanUpdate(patched, { ...ALL, maxLength: 1000 })).toEqual({ ok: false, code: 'update.too_complex' });
  });

  it('refuses an update over the byte budget before reading it', () => {
    expect(scanUpdate(new Uint8Array(100), { ...ALL, maxBytes: 99 })).toEqual({ ok: false, code: 'update.too_large' });
  });

  it('refuses nesting deeper than the limit', () => {
    const doc = new Y.Doc();
    let value: unknown = 1;
    for (let i = 0; i < 40; i++) value = [value];
    doc.getArray('a').push([value]);
    expect(scanUpdate(Y.encodeStateAsUpdate(doc), ALL)).toEqual({ ok: false, code: 'update.too_complex' });
  });
});

describe('checkOuterUpdate', () => {
  it('accepts binary entries appended to the entry array, and their later deletion', () => {
    const doc = new Y.Doc();
    const entries = doc.getArray<Uint8Array>('entries');
    entries.push([new Uint8Array([1, 2, 3])]);
    entries.push([new Uint8Array([4, 5])]);
    const first = checkOuterUpdate(Y.encodeStateAsUpdate(doc));
    expect(first.ok && first.structs.map((e) => [...(e.entry ?? [])])).toEqual([[1, 2, 3], [4, 5]]);
    const before = Y.encodeStateVector(doc);
    entries.delete(0, 1);
    const deletion = checkOuterUpdate(Y.encodeStateAsUpdate(doc, before));
    expect(deletion.ok && deletion.deletes.length).toBe(1);
    expect(deletion.ok && deletion.structs.length).toBe(0);
  });

  it('refuses an update that writes to another root type', () => {
    const doc = new Y.Doc();
    doc.getArray<Uint8Array>('other').push([new Uint8Array([1])]);
    expect(checkOuterUpdate(Y.encodeStateAsUpdate(doc))).toEqual({ ok: false, code: 'update.outside_entries' });
  });

  it('refuses map keys, strings and nested types in the outer document', () => {
    const map = new Y.Doc();
    map.getMap('entries').set('k', new Uint8Array([1]));
    expect(checkOuterUpdate(Y.encodeStateAsUpdate(map)).ok).toBe(false);
    const text = new Y.Doc();
    text.getArray('entries').push(['plain text']);
    expect(checkOuterUpdate(Y.encodeStateAsUpdate(text))).toEqual({ ok: false, code: 'update.forbidden_content' });
    const nested = new Y.Doc();
    nested.getArray('entries').push([new Y.Map()]);
    expect(checkOuterUpdate(Y.encodeStateAsUpdate(nested))).toEqual({ ok: false, code: 'update.forbidden_content' });
  });

  it('keeps its budget: a one-megabyte update of tiny entries is refused as too complex', () => {
    const doc = new Y.Doc();
    const entries = doc.getArray<Uint8Array>('entries');
    entries.push(Array.from({ length: 60_000 }, (_, i) => new Uint8Array([i & 0xff])));
    expect(checkOuterUpdate(Y.encodeStateAsUpdate(doc), OUTER_UPDATE_LIMITS)).toEqual({ ok: false, code: 'update.too_complex' });
  });
});
