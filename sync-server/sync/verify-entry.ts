// The server's check of one new entry: the right document, written by the socket's account, signed by it
// (node:crypto through lib/crypto's strict wrapper), in an epoch the document has. It never decrypts.
import type { Verifier } from '../../lib/crypto';
import { verifyEnvelope } from '../../lib/protocol/envelope';
import type { VerifyEntry } from './doc-store';

export function createEntryVerifier(verifier: Verifier): VerifyEntry {
  return async (bytes, expected) => {
    const result = await verifyEnvelope(bytes, { verifier, expectedDocId: expected.docId, expectedAuthor: expected.author });
    if (!result.ok) {
      // The socket's account is the only author it may write as.
      return { ok: false, code: result.code === 'envelope.wrong_author' ? 'entry.forged_author' : result.code };
    }
    if (result.value.epoch > expected.currentEpoch) return { ok: false, code: 'envelope.unknown_epoch' };
    return { ok: true, kind: result.value.kind, signature: result.value.signature };
  };
}
