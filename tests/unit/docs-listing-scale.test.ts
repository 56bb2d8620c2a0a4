import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createVerifier, frameSigned, generateIdentity, webCryptoBackend, type Identity } from '../../lib/crypto/index';
import {
  conversationParts,
  createVerificationCache,
  lastMessagePreview,
  listMessages,
  MESSAGE_CONTEXT,
  memberKeyOf,
  messagePayload,
  MessageId,
  signMessage,
  type MemberKey,
  type MessageRecord,
  type UnsignedMessage,
} from '../../lib/docs/index';
import { fromHex, seededRandom } from './fixtures/seeded-random';

const DOC = 'doc-listing-scale-01';
const COUNT = 10_000;

// tweetnacl signs about 180 messages a second here; node:crypto signs the same bytes (Ed25519 is
// deterministic, checked below) fast enough to build 10,000 messages in a test.
const PKCS8_ED25519_PREFIX = fromHex('302e020100300506032b657004220420');
function makeAuthor(name: string): { identity: Identity; key: MemberKey; nodeKey: KeyObject } {
  const identity = generateIdentity(seededRandom(`docs-listing-scale/${name}`));
  const nodeKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, identity.signing.secretKey.subarray(0, 32)]),
    format: 'der',
    type: 'pkcs8',
  });
  return { identity, key: memberKeyOf(identity.signing.publicKey), nodeKey };
}
function fastSign(author: ReturnType<typeof makeAuthor>, fields: UnsignedMessage): MessageRecord {
  const signature = new Uint8Array(nodeSign(null, frameSigned(MESSAGE_CONTEXT, messagePayload(DOC, fields)), author.nodeKey));
  return { type: 'message', ...fields, signature };
}
const ms = (start: number) => Math.round(performance.now() - start);

describe('a conversation of 10,000 messages', () => {
  it('lists them all, verified, and again quickly from the cache (timings printed, not asserted)', async () => {
    const authors = ['alice', 'bob', 'carol', 'dave', 'erin'].map(makeAuthor);
    const sample: UnsignedMessage = { id: MessageId.parse('sample-message-0001'), author: authors[0]!.key, body: 'same bytes?', sentAt: 1 };
    expect(fastSign(authors[0]!, sample).signature).toEqual(signMessage(DOC, sample, authors[0]!.identity.signing.secretKey).signature);

    const random = seededRandom('docs-listing-scale/ids');
    const doc = new Y.Doc();
    const messages = conversationParts(doc).messages;
    for (let batch = 0; batch < COUNT / 1000; batch++) {
      doc.transact(() => {
        for (let i = batch * 1000; i < (batch + 1) * 1000; i++) {
          const author = authors[i % authors.length]!;
          const id = MessageId.parse(Buffer.from(random(16)).toString('base64url'));
          const body = `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 6))}`;
          messages.set(id, fastSign(author, { id, author: author.key, body, sentAt: 1_700_000_000_000 + i * 1000 }));
        }
      });
    }
    const state = Y.encodeStateAsUpdate(doc);
    const verifier = createVerifier(webCryptoBackend());

    let t = performance.now();
    const uncached = await listMessages(doc, { docId: DOC, verifier });
    const coldMs = ms(t);
    expect(uncached).toHaveLength(COUNT);
    expect(uncached.every((m) => m.verified)).toBe(true);

    const cache = createVerificationCache();
    await listMessages(doc, { docId: DOC, verifier, cache });
    t = performance.now();
    const warm = await listMessages(doc, { docId: DOC, verifier, cache });
    const warmMs = ms(t);
    expect(warm).toEqual(uncached);

    // Reopening: a new Y.Doc from the stored state, with the cache persisted through JSON.
    t = performance.now();
    const reopened = new Y.Doc();
    Y.applyUpdate(reopened, state);
    const loadMs = ms(t);
    const restored = createVerificationCache({ entries: JSON.parse(JSON.stringify(cache.entries())) });
    let calls = 0;
    const counting = { ...verifier, verify: (...args: Parameters<typeof verifier.verify>) => (calls++, verifier.verify(...args)) };
    t = performance.now();
    const again = await listMessages(reopened, { docId: DOC, verifier: counting, cache: restored });
    const reopenMs = ms(t);
    expect(again).toHaveLength(COUNT);
    expect(calls).toBe(0);

    t = performance.now();
    const newest = await listMessages(reopened, { docId: DOC, verifier, limit: 50 });
    const windowMs = ms(t);
    expect(newest).toHaveLength(50);

    t = performance.now();
    const preview = lastMessagePreview(reopened);
    const previewMs = ms(t);
    expect(preview?.id).toBe(uncached[COUNT - 1]!.id);

    console.log(
      `[docs] 10,000 messages, state ${Math.round(state.length / 1024)} KiB: list uncached ${coldMs} ms, cached ${warmMs} ms; ` +
        `reopen: applyUpdate ${loadMs} ms + list with persisted cache ${reopenMs} ms; newest 50 uncached ${windowMs} ms; preview ${previewMs} ms`,
    );
  }, 120_000);
});
