// Read markers: how far each member has read. A grow-only set of signed positions per member whose value is
// the greatest verified one, so merging devices' updates in any order never moves a marker backwards.
import type * as Y from 'yjs';
import type { MemberKey } from './ids';
import { conversationParts, readKey } from './layout';
import type { MessageView } from './list-messages';
import { comparePositions, ReadRecord, type Position } from './records';
import { verifyRead, type VerifyOptions } from './signatures';
import { parseRecord } from './verification-cache';

export async function readPositions(doc: Y.Doc, o: VerifyOptions & { docId: string }): Promise<Map<MemberKey, Position>> {
  const records: ReadRecord[] = [];
  const live = new Set<string>();
  const cache = o.cache;
  conversationParts(doc).reads.forEach((raw, key) => {
    const record = parseRecord(cache, ReadRecord, raw);
    if (!record || key !== readKey(record.member, record.messageId)) return;
    records.push(record);
    if (cache) live.add(cache.keyOf(record));
  });
  cache?.sweep('reads', live);
  const verdicts = await Promise.all(
    records.map((r) => (cache ? cache.verifyRecord(r, o.docId, () => verifyRead(o.docId, r, o)) : verifyRead(o.docId, r, o))),
  );
  const out = new Map<MemberKey, Position>();
  records.forEach((r, i) => {
    if (!verdicts[i]) return;
    const current = out.get(r.member);
    const position: Position = { sentAt: r.sentAt, messageId: r.messageId };
    if (!current || comparePositions(position, current) > 0) out.set(r.member, position);
  });
  return out;
}

/** Messages after `position` that someone else wrote and that still exist: the unread count. */
export function countUnread(messages: readonly MessageView[], position: Position | undefined, self: MemberKey): number {
  let n = 0;
  for (const m of messages) {
    if (m.deleted || m.author === self) continue;
    if (!position || comparePositions({ sentAt: m.sentAt, messageId: m.id }, position) > 0) n++;
  }
  return n;
}
