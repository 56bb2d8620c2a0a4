import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ThreadUnread, ThreadUnreadCache, emptyThreadUnread, unreadByChannel } from '../../lib/client/engine/thread-unread';
import { generateIdentity } from '../../lib/crypto/index';
import { addChannel, addThreadEntry, initCommunity, MessageId } from '../../lib/docs/index';
import { seededRandom } from './fixtures/seeded-random';

const owner = generateIdentity(seededRandom('client-thread-unread/owner'));
const threadId = (n: number) => `thread${String(n).padStart(16, '0')}`;

/** Counts over a plain cache object, as the communities hold it; `community` says which community owns a thread. */
function counts(community: (threadId: string) => string | undefined) {
  const data = emptyThreadUnread();
  let saves = 0;
  const unread = new ThreadUnread({ data: () => data, communityOf: community, save: () => saves++ });
  return { unread, data, saves: () => saves };
}

describe('unread counts of community threads', () => {
  it('sums threads into their community and all communities, keeps only non-zero counts, and ignores unlisted threads', () => {
    const { unread, data } = counts((id) => (id === threadId(3) ? 'b' : id.startsWith('thread') ? 'a' : undefined));
    let changes = 0;
    unread.subscribe(() => changes++);
    unread.set(threadId(1), 2);
    unread.set(threadId(2), 1);
    unread.set(threadId(3), 4);
    unread.set('community-document-id', 7);
    expect([unread.total('a'), unread.total('b'), unread.grandTotal()]).toEqual([3, 4, 7]);
    expect(unread.count('a', threadId(1))).toBe(2);
    unread.set(threadId(1), 2);
    expect(changes).toBe(3);
    unread.set(threadId(1), 0);
    expect(unread.byThread('a')).toEqual({ [threadId(2)]: 1 });
    unread.set(threadId(2), 0);
    expect(data.counts).toEqual({ b: { [threadId(3)]: 4 } });
  });

  it('forgets a community’s counts and device read positions, and the cache survives a round trip through its schema', () => {
    const { unread, data } = counts(() => 'a');
    unread.set(threadId(1), 5);
    unread.setLocalRead(threadId(1), { sentAt: 1000, messageId: MessageId.parse('message-0000000000001') });
    const parsed = ThreadUnreadCache.parse(JSON.parse(JSON.stringify(data)));
    expect(parsed).toEqual(data);
    unread.forget('a', [threadId(1)]);
    expect(data).toEqual({ counts: {}, reads: {} });
    expect(unread.grandTotal()).toBe(0);
  });

  it('keeps 5,000 threads cheap: a total sums the unread threads only', () => {
    const { unread, data } = counts(() => 'big');
    for (let i = 0; i < 5_000; i++) unread.set(threadId(i), i % 1_000 === 0 ? 1 : 0);
    expect(Object.keys(data.counts['big']!)).toHaveLength(5);
    expect(unread.total('big')).toBe(5);
  });

  it('sums unread threads per channel from the community’s thread index', () => {
    const doc = new Y.Doc();
    initCommunity(doc, { identity: owner, user: 'user-owner-000000000', docId: 'community-0000000000001', name: 'Swap', description: '', channel: { id: 'general', name: 'General' }, now: 1000 });
    addChannel(doc, { id: 'bikes', name: 'Bikes' });
    for (const [n, channel] of [[1, 'general'], [2, 'bikes'], [3, 'bikes']] as const) {
      expect(addThreadEntry(doc, { id: threadId(n), channel, kind: 'need', title: `T${n}`, author: owner, now: 2000 }).ok).toBe(true);
    }
    // A thread whose index entry has not arrived counts for no channel.
    expect(unreadByChannel(doc, { [threadId(1)]: 2, [threadId(2)]: 1, [threadId(3)]: 3, [threadId(9)]: 4 })).toEqual({ general: 2, bikes: 4 });
  });
});
