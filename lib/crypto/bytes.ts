// Small byte helpers shared by lib/crypto. Plain Uint8Array end to end, in every runtime.

export type Bytes = Uint8Array;

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Compares without an early exit, so timing does not reveal where two secrets differ. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * WebCrypto's types want an ArrayBuffer-backed view (not SharedArrayBuffer); copy only when needed.
 * The copy also shields WebCrypto from a caller mutating the input while a promise is pending.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** Overwrites a secret we no longer need. Best effort: JS may have made copies we cannot reach. */
export function wipe(bytes: Uint8Array): void {
  bytes.fill(0);
}
