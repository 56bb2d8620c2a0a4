// Seals local inner updates into signed envelopes and opens others' entries, for one document.
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import { openEnvelope, sealEnvelope } from '../../protocol/envelope';
import type { EntryCodec, OpenedEntry } from './doc-replica';
import type { EpochKeys } from './epoch-keys';

export function createEntryCodec(o: {
  docId: string;
  identity: Identity;
  verifier: Verifier;
  keys: EpochKeys;
  random: RandomBytes;
  /** Signing keys of everyone who is or was a member: an entry by anyone else is not shown. */
  isMemberKey(key: Uint8Array): boolean;
}): EntryCodec {
  return {
    writeEpoch: () => o.keys.newest(),
    seal({ epoch, kind, update, preview }) {
      const key = o.keys.get(epoch);
      if (!key) throw new Error(`no key for epoch ${epoch} of this document`);
      return sealEnvelope({
        docId: o.docId,
        epoch,
        kind,
        plaintext: preview === null ? { update } : { update, preview },
        key,
        author: { publicKey: o.identity.signing.publicKey, secretKey: o.identity.signing.secretKey },
        random: o.random,
      });
    },
    async open(bytes): Promise<OpenedEntry> {
      const opened = await openEnvelope(bytes, { verifier: o.verifier, expectedDocId: o.docId, keyForEpoch: (e) => o.keys.get(e) });
      if (!opened.ok) return opened;
      if (!o.isMemberKey(opened.value.author)) return { ok: false, code: 'entry.not_member' };
      const { kind, epoch, author, inner } = opened.value;
      return { ok: true, kind, epoch, author, update: inner.update, preview: inner.preview ?? null };
    },
  };
}
