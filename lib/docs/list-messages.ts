// The read model of a conversation: what the message list shows. Everything here is read from a document any
// member can write, so every record is parsed and every signature checked; a message that fails is shown
// with verified = false, never dropped, and an edit or reaction that fails is simply not applied.
import type * as Y from 'yjs';
import type { MemberKey, MessageId } from './ids';
import { conversationParts, editKeyPrefix, reactionKey, type ConversationParts } from './layout';
import { compareEdits, comparePositions, EditRecord, MessageEntry, ReactionRecord, type Position } from './records';
import { verifyEdit, verifyMessage, verifyReaction, verifyTombstone, type VerifyOptions } from './signatures';
import { parseRecord } from './verification-cache';

export interface ReactionSummary {
  emoji: string;
  count: number;
  /** Sorted; lets a screen show who reacted and whether "I" did. */
  members: MemberKey[];
}

export interface MessageView {
  id: MessageId;
  author: MemberKey;
  /** The latest verified text; null once deleted. */
  body: string | null;
  sentAt: number;
  replyTo: MessageId | null;
  edited: boolean;
  editedAt: number | null;
  deleted: boolean;
  /** The message (or its tombstone) carries a valid signature by `author`. Shown either way. */
  verified: boolean;
  reactions: ReactionSummary[];
}

export type MalformedPart = 'messages' | 'edits' | 'reactions';

export interface ListMessagesOptions extends VerifyOptions {
  docId: string;
  /** Only messages strictly before this position (loading older history on demand). */
  before?: Position;
  /** Only the newest `limit` of those; only they are verified. */
  limit?: number;
  /** Told about each record that does not parse; it is left out of the listing. */
  onMalformed?: (part: MalformedPart, key: string) => void;
}

const none = (): Promise<boolean[]> => Promise.resolve([]);
const positionOf = (e: MessageEntry): Position => ({ sentAt: e.sentAt, messageId: e.id });

/** Sorted by (sentAt, id), the same order on every device. */
export async function listMessages(doc: Y.Doc, o: ListMessagesOptions): Promise<MessageView[]> {
  const parts = conversationParts(doc);
  const cache = o.cache;
  const live = cache ? new Set<string>() : null;
  let entries: MessageEntry[] = [];
  parts.messages.forEach((raw, key) => {
    const entry = parseRecord(cache, MessageEntry, raw);
    // A record filed under another message's id would duplicate or shadow it.
    if (!entry || entry.id !== key) return o.onMalformed?.('messages', key);
    entries.push(entry);
    if (cache) live?.add(cache.keyOf(entry));
  });
  // Same order as comparePositions, without allocating two positions per comparison.
  entries.sort((a, b) => (a.sentAt !== b.sentAt ? a.sentAt - b.sentAt : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (o.before) {
    const before = o.before;
    entries = entries.filter((e) => comparePositions(positionOf(e), before) < 0);
  }
  if (o.limit !== undefined) entries = entries.slice(Math.max(0, entries.length - o.limit));
  const views = await buildViews(parts, entries, o, live);
  if (live && o.limit === undefined && o.before === undefined) o.cache?.sweep('messages', live);
  return views;
}

/**
 * How many messages `listMessages` would list without a window (tombstones included, malformed records not):
 * lets a screen that shows a window say how long the whole conversation is. Nothing is verified here.
 */
export function countMessages(doc: Y.Doc, o: { cache?: VerifyOptions['cache'] } = {}): number {
  let count = 0;
  conversationParts(doc).messages.forEach((raw, key) => {
    const entry = parseRecord(o.cache, MessageEntry, raw);
    if (entry && entry.id === key) count += 1;
  });
  return count;
}

/** One message, e.g. the original a reply quotes when it is outside the loaded window. */
export async function getMessage(doc: Y.Doc, id: string, o: VerifyOptions & { docId: string }): Promise<MessageView | null> {
  const parts = conversationParts(doc);
  const entry = parseRecord(o.cache, MessageEntry, parts.messages.get(id));
  if (!entry || entry.id !== id) return null;
  const [view] = await buildViews(parts, [entry], o, null);
  return view ?? null;
}

async function buildViews(
  parts: ConversationParts,
  entries: MessageEntry[],
  o: VerifyOptions & { docId: string; onMalformed?: ListMessagesOptions['onMalformed'] },
  live: Set<string> | null,
): Promise<MessageView[]> {
  const cache = o.cache;
  // Verified once per record object and document while the cache lives; otherwise every time.
  const verified = <T extends object>(record: T, verify: (docId: string, record: T, opts: VerifyOptions) => Promise<boolean>) =>
    cache ? cache.verifyRecord(record, o.docId, () => verify(o.docId, record, o)) : verify(o.docId, record, o);
  const wanted = new Set<string>(entries.map((e) => e.id));
  const editsBy = new Map<string, EditRecord[]>();
  parts.edits.forEach((raw, key) => {
    const edit = parseRecord(cache, EditRecord, raw);
    if (!edit || !key.startsWith(editKeyPrefix(edit.messageId))) return o.onMalformed?.('edits', key);
    if (cache) live?.add(cache.keyOf(edit));
    if (!wanted.has(edit.messageId)) return;
    const list = editsBy.get(edit.messageId);
    if (list) list.push(edit);
    else editsBy.set(edit.messageId, [edit]);
  });
  const reactionsBy = new Map<string, ReactionRecord[]>();
  parts.reactions.forEach((raw, key) => {
    const reaction = parseRecord(cache, ReactionRecord, raw);
    if (!reaction || key !== reactionKey(reaction.messageId, reaction.member, reaction.emoji)) return o.onMalformed?.('reactions', key);
    if (cache) live?.add(cache.keyOf(reaction));
    if (!wanted.has(reaction.messageId)) return;
    const list = reactionsBy.get(reaction.messageId);
    if (list) list.push(reaction);
    else reactionsBy.set(reaction.messageId, [reaction]);
  });

  return Promise.all(
    entries.map(async (entry): Promise<MessageView> => {
      if (entry.type === 'tombstone') {
        return {
          id: entry.id,
          author: entry.author,
          body: null,
          sentAt: entry.sentAt,
          replyTo: null,
          edited: false,
          editedAt: null,
          deleted: true,
          verified: await verified(entry, verifyTombstone),
          reactions: [],
        };
      }
      // Only the author may edit; newest first, the first that verifies wins.
      const edits = (editsBy.get(entry.id) ?? []).filter((e) => e.author === entry.author).sort((a, b) => compareEdits(b, a));
      const reactions = reactionsBy.get(entry.id) ?? [];
      const [messageVerdict, editVerdicts, reactionVerdicts] = await Promise.all([
        verified(entry, verifyMessage),
        edits.length === 0 ? none() : Promise.all(edits.map((e) => verified(e, verifyEdit))),
        reactions.length === 0 ? none() : Promise.all(reactions.map((r) => verified(r, verifyReaction))),
      ]);
      const edit = edits.find((_, i) => editVerdicts[i]);
      return {
        id: entry.id,
        author: entry.author,
        body: edit ? edit.body : entry.body,
        sentAt: entry.sentAt,
        replyTo: entry.replyTo ?? null,
        edited: edit !== undefined,
        editedAt: edit ? edit.editedAt : null,
        deleted: false,
        verified: messageVerdict,
        reactions: summarise(reactions.filter((r, i) => reactionVerdicts[i] && r.on)),
      };
    }),
  );
}

function summarise(reactions: ReactionRecord[]): ReactionSummary[] {
  const byEmoji = new Map<string, MemberKey[]>();
  for (const r of reactions) {
    const members = byEmoji.get(r.emoji);
    if (members) members.push(r.member);
    else byEmoji.set(r.emoji, [r.member]);
  }
  return [...byEmoji]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([emoji, members]) => ({ emoji, count: members.length, members: members.sort() }));
}

export interface MessagePreview {
  id: MessageId;
  author: MemberKey;
  /** The latest text by the author, null when deleted. Not signature-checked: for the conversation list only. */
  body: string | null;
  sentAt: number;
  edited: boolean;
  deleted: boolean;
}

/**
 * The newest message, cheaply and synchronously, for the conversation list. Signatures are not checked here
 * (opening the conversation shows `Unverified` where they fail); structure is, like everywhere else.
 */
export function lastMessagePreview(doc: Y.Doc, o: { cache?: VerifyOptions['cache'] } = {}): MessagePreview | null {
  const parts = conversationParts(doc);
  let newest: MessageEntry | null = null;
  // With the listing's cache, the records parsed here are the ones the listing then reuses, and the reverse.
  parts.messages.forEach((raw, key) => {
    const parsed = parseRecord(o.cache, MessageEntry, raw);
    if (!parsed || parsed.id !== key) return;
    if (!newest || comparePositions(positionOf(parsed), positionOf(newest)) > 0) newest = parsed;
  });
  const entry = newest as MessageEntry | null;
  if (!entry) return null;
  if (entry.type === 'tombstone') {
    return { id: entry.id, author: entry.author, body: null, sentAt: entry.sentAt, edited: false, deleted: true };
  }
  let edit: EditRecord | null = null;
  const prefix = editKeyPrefix(entry.id);
  parts.edits.forEach((raw, key) => {
    if (!key.startsWith(prefix)) return;
    const parsed = EditRecord.safeParse(raw);
    if (!parsed.success || parsed.data.messageId !== entry.id || parsed.data.author !== entry.author) return;
    if (!edit || compareEdits(parsed.data, edit) > 0) edit = parsed.data;
  });
  const latest = edit as EditRecord | null;
  return {
    id: entry.id,
    author: entry.author,
    body: latest ? latest.body : entry.body,
    sentAt: entry.sentAt,
    edited: latest !== null,
    deleted: false,
  };
}
