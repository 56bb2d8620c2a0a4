// Randomness is passed in (style.md: no hidden sources of nondeterminism in lib/).

export type RandomBytes = (n: number) => Uint8Array;

// crypto.getRandomValues refuses more than 65,536 bytes per call.
const MAX_CHUNK = 65_536;

/** The default source: WebCrypto's CSPRNG, present in browsers and in Node 20 as globalThis.crypto. */
export const webRandom: RandomBytes = (n) => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`webRandom: bad length ${n}`);
  const out = new Uint8Array(n);
  for (let offset = 0; offset < n; offset += MAX_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(n, offset + MAX_CHUNK)));
  }
  return out;
};

/** Calls an injected source and checks it kept its promise, because a short read would weaken keys silently. */
export function randomBytes(random: RandomBytes, n: number): Uint8Array {
  const bytes = random(n);
  if (!(bytes instanceof Uint8Array) || bytes.length !== n) {
    throw new Error(`random source returned ${bytes?.length ?? 'nothing'} bytes, expected ${n}`);
  }
  return bytes;
}
