// Remembers which signatures were already checked, so opening a conversation of 10,000 messages verifies only
// the records it has not seen before. The caller owns the cache (one per document is natural).
//
// An entry answers only for the exact (signature, context, public key, signed bytes) it was computed for: it
// stores their SHA-256, never the bytes, so the cache never holds message text, and a signature copied next to
// a different body or key is verified afresh instead of inheriting a verdict.
import { z } from 'zod';
import { digest as sha256 } from 'lib0/hash/sha256';
import type { SignatureContext, Verifier } from '../crypto/index';
import { toBase64url } from '../protocol/base64url';

/** Which reader owns an entry; each reader sweeps only its own. */
export const CacheScope = z.enum(['messages', 'reads', 'membership', 'community']);
export type CacheScope = z.infer<typeof CacheScope>;

export const VerificationCacheEntry = z.object({
  signature: z.string().max(128),
  fingerprint: z.string().max(64),
  ok: z.boolean(),
  scope: CacheScope,
});
export type VerificationCacheEntry = z.infer<typeof VerificationCacheEntry>;

export interface VerificationCache {
  verify(
    verifier: Verifier,
    scope: CacheScope,
    context: SignatureContext,
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
  ): Promise<boolean>;
  /** Drops the scope's entries whose signature is no longer in the document (e.g. a deleted message's). */
  sweep(scope: CacheScope, live: ReadonlySet<string>): void;
  /** For persisting the cache (encrypted at rest, like the document it describes). */
  entries(): VerificationCacheEntry[];
  readonly size: number;
  /**
   * Parses a value read from a document once per stored object: Yjs hands out the same object for an entry
   * until the entry is replaced, so re-listing an open document re-parses nothing. The result is frozen.
   */
  parse<T>(schema: z.ZodType<T>, raw: unknown): T | null;
  /** Runs `verify` once per (record from parse(), docId); any other object is verified every time. */
  verifyRecord(record: object, docId: string, verify: () => Promise<boolean>): Promise<boolean>;
  /** signatureKey(record.signature), remembered for records from parse(). */
  keyOf(record: { signature: Uint8Array }): string;
}

export interface VerificationCacheOptions {
  /** Oldest entries go first beyond this. */
  maxEntries?: number;
  /** Entries from `entries()` of an earlier session; untrusted input, parsed. */
  entries?: unknown;
}

export function signatureKey(signature: Uint8Array): string {
  return toBase64url(signature);
}

const encoder = new TextEncoder();

function fingerprint(context: SignatureContext, message: Uint8Array, publicKey: Uint8Array): string {
  const contextBytes = encoder.encode(context);
  const input = new Uint8Array(contextBytes.length + 1 + publicKey.length + message.length);
  input.set(contextBytes, 0);
  input.set(publicKey, contextBytes.length + 1);
  input.set(message, contextBytes.length + 1 + publicKey.length);
  return toBase64url(sha256(input));
}

export function createVerificationCache(options: VerificationCacheOptions = {}): VerificationCache {
  const maxEntries = options.maxEntries ?? 200_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('createVerificationCache: maxEntries must be >= 1');
  // Keyed by signature AND fingerprint: a signature copied next to other bytes gets its own entry instead of
  // evicting the genuine one, so neither is re-verified on every listing.
  const map = new Map<string, VerificationCacheEntry>();
  const restored = z.array(VerificationCacheEntry).safeParse(options.entries ?? []);
  if (restored.success) {
    for (const e of restored.data.slice(-maxEntries)) map.set(`${e.signature}.${e.fingerprint}`, e);
  }

  // Keyed by the document's own objects, so they go when the document lets go of them (a replaced entry).
  const parsedFrom = new WeakMap<object, { schema: unknown; parsed: unknown }>();
  const produced = new WeakMap<object, { verdicts: Map<string, boolean>; key?: string }>();

  return {
    parse<T>(schema: z.ZodType<T>, raw: unknown): T | null {
      if (typeof raw !== 'object' || raw === null) {
        const result = schema.safeParse(raw);
        return result.success ? result.data : null;
      }
      const hit = parsedFrom.get(raw);
      if (hit && hit.schema === schema) return hit.parsed as T | null;
      const result = schema.safeParse(raw);
      const parsed = result.success && typeof result.data === 'object' && result.data !== null ? Object.freeze(result.data) : null;
      parsedFrom.set(raw, { schema, parsed });
      if (parsed) produced.set(parsed, { verdicts: new Map() });
      return parsed;
    },
    async verifyRecord(record, docId, verify) {
      const memo = produced.get(record);
      if (!memo) return verify();
      const known = memo.verdicts.get(docId);
      if (known !== undefined) return known;
      const ok = await verify();
      memo.verdicts.set(docId, ok);
      return ok;
    },
    keyOf(record) {
      const memo = produced.get(record);
      if (!memo) return signatureKey(record.signature);
      memo.key ??= signatureKey(record.signature);
      return memo.key;
    },
    async verify(verifier, scope, context, message, signature, publicKey) {
      const sig = signatureKey(signature);
      const print = fingerprint(context, message, publicKey);
      const key = `${sig}.${print}`;
      const hit = map.get(key);
      if (hit) return hit.ok;
      const ok = await verifier.verify(context, message, signature, publicKey);
      map.set(key, { signature: sig, fingerprint: print, ok, scope });
      if (map.size > maxEntries) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
      }
      return ok;
    },
    sweep(scope, live) {
      // After a full listing every live record has an entry, so no more entries than live records means
      // nothing is stale: skip the walk, which is the common case.
      let count = 0;
      for (const entry of map.values()) if (entry.scope === scope) count++;
      if (count <= live.size) return;
      for (const [key, entry] of map) if (entry.scope === scope && !live.has(entry.signature)) map.delete(key);
    },
    entries() {
      return [...map.values()].map((e) => ({ ...e }));
    },
    get size() {
      return map.size;
    },
  };
}

/** cache.parse when there is a cache, a plain safeParse otherwise. */
export function parseRecord<T>(cache: VerificationCache | undefined, schema: z.ZodType<T>, raw: unknown): T | null {
  if (cache) return cache.parse(schema, raw);
  const result = schema.safeParse(raw);
  return result.success ? result.data : null;
}
