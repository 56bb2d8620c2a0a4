// Identifiers inside a conversation document. Members are named by their Ed25519 signing key (base64url),
// because that is what every signature in the document can be checked against.
import { z } from 'zod';
import { fromBase64url, toBase64url } from '../protocol/base64url';
import type { RandomBytes } from '../crypto/index';

export const MessageId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).brand<'MessageId'>();
export type MessageId = z.infer<typeof MessageId>;

/** base64url of a 32-byte Ed25519 public key: always 43 characters, canonical (the decoder rejects stray bits). */
export const MemberKey = z
  .string()
  .length(43)
  .refine((s) => fromBase64url(s)?.length === 32, { message: 'must be base64url of a 32-byte key' })
  .brand<'MemberKey'>();
export type MemberKey = z.infer<typeof MemberKey>;

export const MESSAGE_ID_BYTES = 16;

export function newMessageId(random: RandomBytes): MessageId {
  const bytes = random(MESSAGE_ID_BYTES);
  if (bytes.length !== MESSAGE_ID_BYTES) throw new Error(`random source returned ${bytes.length} bytes, expected ${MESSAGE_ID_BYTES}`);
  return toBase64url(bytes) as MessageId;
}

export function memberKeyOf(signingPublicKey: Uint8Array): MemberKey {
  if (signingPublicKey.length !== 32) throw new RangeError('memberKeyOf: a signing public key is 32 bytes');
  return toBase64url(signingPublicKey) as MemberKey;
}

/** The raw key behind a MemberKey; null only if the value never passed the MemberKey schema. */
export function memberKeyBytes(key: MemberKey | string): Uint8Array | null {
  const bytes = fromBase64url(key);
  return bytes && bytes.length === 32 ? bytes : null;
}

/** Text the document stores and signs must round-trip exactly through UTF-8: no lone surrogates. */
export function isWellFormedText(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}
