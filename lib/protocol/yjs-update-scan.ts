// A strict, bounded reader of the Yjs v1 update format, run BEFORE an update reaches the Yjs decoder.
// Crafted updates can hang Yjs or exhaust memory (yjs issues 498, 687): this reader does linear work in the
// size of its input, refuses anything outside the budget, and reports what the update would touch.

export type ContentKind = 'deleted' | 'json' | 'binary' | 'string' | 'embed' | 'format' | 'type' | 'any' | 'doc';

const CONTENT_KINDS: Record<number, ContentKind> = {
  1: 'deleted', 2: 'json', 3: 'binary', 4: 'string', 5: 'embed', 6: 'format', 7: 'type', 8: 'any', 9: 'doc',
};

export interface ScannedItem {
  client: number;
  clock: number;
  length: number;
  kind: ContentKind;
  /** The root type's name when the item names its parent explicitly; null when the parent is inherited or an id. */
  parentKey: string | null;
  /** True when the parent is another item (a nested type). */
  parentIsItem: boolean;
  parentSub: string | null;
  hasOrigin: boolean;
  /** For `binary` content: the bytes (a view into the input). */
  binary: Uint8Array | null;
}

export interface ScannedUpdate {
  items: ScannedItem[];
  /** GC and Skip structs: placeholders for deleted or missing content. */
  placeholders: Array<{ client: number; clock: number; length: number; skip: boolean }>;
  deletes: Array<{ client: number; clock: number; length: number }>;
}

export interface ScanLimits {
  /** Refuse updates larger than this many bytes. */
  maxBytes: number;
  /** Refuse more structs (items, GC, skips and delete ranges together) than this. */
  maxStructs: number;
  /** Refuse a single struct or delete range claiming more than this length. */
  maxLength: number;
  /** Refuse nesting deeper than this inside `any` values. */
  maxDepth: number;
  /** Content kinds the caller accepts; anything else is refused. */
  allowed: ReadonlySet<ContentKind>;
}

export type ScanError = 'update.too_large' | 'update.malformed' | 'update.too_complex' | 'update.forbidden_content';
export type ScanResult = { ok: true; value: ScannedUpdate } | { ok: false; code: ScanError };

class Refused extends Error {
  constructor(readonly code: ScanError) {
    super(code);
  }
}

const MAX_CLOCK = 2 ** 48;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos = 0;
  structs = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly limits: ScanLimits,
  ) {}

  count(n = 1): void {
    this.structs += n;
    if (this.structs > this.limits.maxStructs) throw new Refused('update.too_complex');
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Refused('update.malformed');
    return this.bytes[this.pos++]!;
  }

  varUint(): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * multiplier;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new Refused('update.malformed');
        return value;
      }
      multiplier *= 128;
    }
    throw new Refused('update.malformed');
  }

  varInt(): void {
    let b = this.byte();
    for (let i = 0; b >= 0x80; i++) {
      if (i >= 8) throw new Refused('update.malformed');
      b = this.byte();
    }
  }

  bytesOf(length: number): Uint8Array {
    if (length > this.bytes.length - this.pos) throw new Refused('update.malformed');
    const view = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  string(): string {
    try {
      return utf8.decode(this.bytesOf(this.varUint()));
    } catch (error) {
      if (error instanceof Refused) throw error;
      throw new Refused('update.malformed');
    }
  }

  /** A count of following elements: each takes at least one byte, so more than the bytes left is a lie. */
  countOf(): number {
    const n = this.varUint();
    if (n > this.bytes.length - this.pos) throw new Refused('update.malformed');
    return n;
  }

  length(): number {
    const n = this.varUint();
    if (n === 0 || n > this.limits.maxLength) throw new Refused(n === 0 ? 'update.malformed' : 'update.too_complex');
    return n;
  }

  json(): void {
    const text = this.string();
    try {
      JSON.parse(text);
    } catch {
      throw new Refused('update.malformed');
    }
  }

  any(depth: number): void {
    if (depth > this.limits.maxDepth) throw new Refused('update.too_complex');
    this.count();
    const type = this.byte();
    switch (type) {
      case 127: case 126: case 121: case 120: return;
      case 125: this.varInt(); return;
      case 124: this.bytesOf(4); return;
      case 123: case 122: this.bytesOf(8); return;
      case 119: this.string(); return;
      case 118: {
        const n = this.countOf();
        for (let i = 0; i < n; i++) {
          this.string();
          this.any(depth + 1);
        }
        return;
      }
      case 117: {
        const n = this.countOf();
        for (let i = 0; i < n; i++) this.any(depth + 1);
        return;
      }
      case 116: this.bytesOf(this.varUint()); return;
      default: throw new Refused('update.malformed');
    }
  }
}

function readContent(r: Reader, kind: ContentKind): { length: number; binary: Uint8Array | null } {
  switch (kind) {
    case 'deleted':
      return { length: r.length(), binary: null };
    case 'binary':
      return { length: 1, binary: r.bytesOf(r.varUint()) };
    case 'string': {
      const length = r.string().length;
      if (length === 0) throw new Refused('update.malformed');
      return { length, binary: null };
    }
    case 'json': {
      const n = r.countOf();
      if (n === 0) throw new Refused('update.malformed');
      r.count(n);
      for (let i = 0; i < n; i++) {
        const text = r.string();
        if (text !== 'undefined') {
          try {
            JSON.parse(text);
          } catch {
            throw new Refused('update.malformed');
          }
        }
      }
      return { length: n, binary: null };
    }
    case 'any': {
      const n = r.countOf();
      if (n === 0) throw new Refused('update.malformed');
      for (let i = 0; i < n; i++) r.any(0);
      return { length: n, binary: null };
    }
    case 'embed':
      r.json();
      return { length: 1, binary: null };
    case 'format':
      r.string();
      r.json();
      return { length: 1, binary: null };
    case 'type': {
      const ref = r.varUint();
      if (ref > 6) throw new Refused('update.malformed');
      if (ref === 3 || ref === 5) r.string();
      return { length: 1, binary: null };
    }
    case 'doc':
      r.string();
      r.any(0);
      return { length: 1, binary: null };
  }
}

function scan(r: Reader): ScannedUpdate {
  const items: ScannedItem[] = [];
  const placeholders: ScannedUpdate['placeholders'] = [];
  const deletes: ScannedUpdate['deletes'] = [];
  const clients = r.countOf();
  for (let c = 0; c < clients; c++) {
    const structs = r.countOf();
    const client = r.varUint();
    let clock = r.varUint();
    r.count(structs);
    for (let s = 0; s < structs; s++) {
      if (clock > MAX_CLOCK) throw new Refused('update.too_complex');
      const info = r.byte();
      const ref = info & 0x1f;
      if (ref === 0 || ref === 10) {
        const length = r.length();
        placeholders.push({ client, clock, length, skip: ref === 10 });
        clock += length;
        continue;
      }
      const kind = CONTENT_KINDS[ref];
      if (!kind) throw new Refused('update.malformed');
      const hasOrigin = (info & 0x80) !== 0;
      const hasRightOrigin = (info & 0x40) !== 0;
      if (hasOrigin) { r.varUint(); r.varUint(); }
      if (hasRightOrigin) { r.varUint(); r.varUint(); }
      let parentKey: string | null = null;
      let parentIsItem = false;
      let parentSub: string | null = null;
      if (!hasOrigin && !hasRightOrigin) {
        const parentInfo = r.varUint();
        if (parentInfo === 1) parentKey = r.string();
        else {
          r.varUint();
          r.varUint();
          parentIsItem = true;
        }
        if ((info & 0x20) !== 0) parentSub = r.string();
      }
      if (!r.limits.allowed.has(kind)) throw new Refused('update.forbidden_content');
      const { length, binary } = readContent(r, kind);
      items.push({ client, clock, length, kind, parentKey, parentIsItem, parentSub, hasOrigin: hasOrigin || hasRightOrigin, binary });
      clock += length;
    }
  }
  const dsClients = r.countOf();
  for (let c = 0; c < dsClients; c++) {
    const client = r.varUint();
    const ranges = r.countOf();
    r.count(ranges);
    for (let i = 0; i < ranges; i++) {
      const clock = r.varUint();
      const length = r.length();
      if (clock > MAX_CLOCK) throw new Refused('update.too_complex');
      deletes.push({ client, clock, length });
    }
  }
  if (r.pos !== r.bytes.length) throw new Refused('update.malformed');
  return { items, placeholders, deletes };
}

/** Reads a Yjs v1 update within `limits`. Never throws for any input. */
export function scanUpdate(bytes: Uint8Array, limits: ScanLimits): ScanResult {
  if (bytes.length > limits.maxBytes) return { ok: false, code: 'update.too_large' };
  try {
    return { ok: true, value: scan(new Reader(bytes, limits)) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, code: error.code };
    // A RangeError from deep recursion or similar: still the input's fault.
    return { ok: false, code: 'update.malformed' };
  }
}

/** The outer document's only root type: an append-only array of envelope entries. */
export const OUTER_ENTRIES = 'entries';

export const OUTER_UPDATE_LIMITS: ScanLimits = {
  maxBytes: 4 * 1024 * 1024,
  maxStructs: 50_000,
  maxLength: 10_000_000,
  maxDepth: 0,
  allowed: new Set<ContentKind>(['binary', 'deleted']),
};

export interface StructRange {
  client: number;
  clock: number;
  length: number;
  /** The envelope bytes when the struct is a live binary entry. */
  entry: Uint8Array | null;
  /** A Skip struct: a gap, never new content. */
  skip: boolean;
}

export type OuterCheck =
  | { ok: true; structs: StructRange[]; deletes: ScannedUpdate['deletes'] }
  | { ok: false; code: ScanError | 'update.outside_entries' };

/**
 * Checks that an outer update touches only the entry array: binary entries (or their deleted remains) whose
 * explicit parent is the root array, never a map key, never a nested type. Returns the binary entries it adds.
 */
export function checkOuterUpdate(bytes: Uint8Array, limits: ScanLimits = OUTER_UPDATE_LIMITS): OuterCheck {
  const scanned = scanUpdate(bytes, limits);
  if (!scanned.ok) return scanned;
  const structs: StructRange[] = [];
  for (const item of scanned.value.items) {
    if (item.parentIsItem || item.parentSub !== null) return { ok: false, code: 'update.outside_entries' };
    if (!item.hasOrigin && item.parentKey !== OUTER_ENTRIES) return { ok: false, code: 'update.outside_entries' };
    structs.push({ client: item.client, clock: item.clock, length: item.length, entry: item.binary, skip: false });
  }
  for (const p of scanned.value.placeholders) structs.push({ client: p.client, clock: p.clock, length: p.length, entry: null, skip: p.skip });
  // Per client in clock order, so a reader can check continuity in one pass.
  structs.sort((a, b) => a.client - b.client || a.clock - b.clock);
  return { ok: true, structs, deletes: scanned.value.deletes };
}
