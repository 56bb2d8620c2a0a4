// What one device says about itself in a document's awareness ("typing"), sealed so the relay learns nothing:
// the awareness state is only { v, e: epoch, n: nonce, c: secretbox(...) }. Inside, the member key, the flag,
// a time and the member's signature over (docId, epoch, awareness client id, member key, flag, time), so one
// member can neither pose as another nor replay another's state under their own client id.
import nacl from 'tweetnacl';
import { z } from 'zod';
import { sign, type Identity, type RandomBytes, type Verifier } from '../../crypto';
import { MemberKey, memberKeyBytes, memberKeyOf, MESSAGE_CONTEXT } from '../../docs';
import { CanonicalWriter } from '../../docs/canonical';
import { fromBase64url, toBase64url } from '../../protocol/base64url';

export const PRESENCE_VERSION = 1;
/** A sealed state is a few hundred bytes; anything much larger is not ours and is not decrypted. */
const MAX_CIPHERTEXT_CHARS = 1024;

/** The awareness state as the server relays it: nothing but the epoch is readable. */
export const SealedPresence = z.strictObject({
  v: z.literal(PRESENCE_VERSION),
  e: z.int().min(0).max(0xffff_ffff),
  n: z.string().length(32),
  c: z.string().min(1).max(MAX_CIPHERTEXT_CHARS),
});
export type SealedPresence = z.infer<typeof SealedPresence>;

const PresencePlaintext = z.strictObject({
  k: MemberKey,
  t: z.boolean(),
  at: z.int().min(0),
  s: z.string().length(86),
});

export interface PresenceState {
  memberKey: MemberKey;
  typing: boolean;
  /** The sender's clock: shown nowhere, only signed so a state cannot be replayed as new. */
  at: number;
}

function payload(docId: string, epoch: number, clientId: number, key: Uint8Array, typing: boolean, at: number): Uint8Array {
  // Under the message context with its own tag: it can never verify as a message, edit or read record.
  return new CanonicalWriter('presence').string(docId).uint(epoch).uint(clientId).bytes(key).bool(typing).uint(at).finish();
}

const text = new TextEncoder();
const untext = new TextDecoder('utf-8', { fatal: true });

export function sealPresence(
  state: { typing: boolean; at: number },
  ctx: { docId: string; epoch: number; key: Uint8Array; clientId: number; identity: Identity; random: RandomBytes },
): SealedPresence {
  const signature = sign(
    MESSAGE_CONTEXT,
    payload(ctx.docId, ctx.epoch, ctx.clientId, ctx.identity.signing.publicKey, state.typing, state.at),
    ctx.identity.signing.secretKey,
  );
  const plaintext = text.encode(
    JSON.stringify({ k: memberKeyOf(ctx.identity.signing.publicKey), t: state.typing, at: state.at, s: toBase64url(signature) }),
  );
  const nonce = ctx.random(nacl.secretbox.nonceLength);
  const box = nacl.secretbox(plaintext, nonce, ctx.key);
  return { v: PRESENCE_VERSION, e: ctx.epoch, n: toBase64url(nonce), c: toBase64url(box) };
}

/** Null for anything that is not a state sealed with one of our keys and signed by the member it names. */
export async function openPresence(
  raw: unknown,
  ctx: { docId: string; clientId: number; keyForEpoch(epoch: number): Uint8Array | undefined; verifier: Verifier },
): Promise<PresenceState | null> {
  const sealed = SealedPresence.safeParse(raw);
  if (!sealed.success) return null;
  const key = ctx.keyForEpoch(sealed.data.e);
  const nonce = fromBase64url(sealed.data.n);
  const box = fromBase64url(sealed.data.c);
  if (!key || !nonce || nonce.length !== nacl.secretbox.nonceLength || !box) return null;
  const opened = nacl.secretbox.open(box, nonce, key);
  if (!opened) return null;
  // From here on the state was sealed by someone holding the document key: a member, but not yet which one.
  let json: unknown;
  try {
    json = JSON.parse(untext.decode(opened));
  } catch {
    return null;
  }
  const plain = PresencePlaintext.safeParse(json);
  if (!plain.success) return null;
  const memberKey = memberKeyBytes(plain.data.k);
  const signature = fromBase64url(plain.data.s);
  if (!memberKey || !signature) return null;
  const signed = payload(ctx.docId, sealed.data.e, ctx.clientId, memberKey, plain.data.t, plain.data.at);
  if (!(await ctx.verifier.verify(MESSAGE_CONTEXT, signed, signature, memberKey))) return null;
  return { memberKey: plain.data.k, typing: plain.data.t, at: plain.data.at };
}
