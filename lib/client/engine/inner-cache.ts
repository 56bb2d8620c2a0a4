// The decrypted inner state of a document plus the entries already folded into it, as one blob that the
// engine store seals with the device key. Opening a document then processes only entries not seen before.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

const VERSION = 1;

export interface InnerCache {
  state: Uint8Array;
  processed: string[];
}

export function encodeInnerCache(cache: InnerCache): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, VERSION);
  encoding.writeVarUint8Array(encoder, cache.state);
  encoding.writeVarUint(encoder, cache.processed.length);
  for (const key of cache.processed) encoding.writeVarString(encoder, key);
  return encoding.toUint8Array(encoder);
}

/** Null for anything unexpected: the engine then rebuilds from the outer document. */
export function decodeInnerCache(bytes: Uint8Array): InnerCache | null {
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== VERSION) return null;
    const state = decoding.readVarUint8Array(decoder);
    const count = decoding.readVarUint(decoder);
    if (count > bytes.length) return null;
    const processed: string[] = [];
    for (let i = 0; i < count; i++) processed.push(decoding.readVarString(decoder));
    return { state, processed };
  } catch {
    return null;
  }
}
