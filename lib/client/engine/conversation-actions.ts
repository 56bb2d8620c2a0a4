// What a person does in an open conversation besides sending: reply, edit, delete, react, mark read, rename,
// and what the screen reads back (who has seen what, the membership history). Every change is one lib/docs
// writer call, one Yjs transaction, so one signed entry in the outbox.
import type { Identity, RandomBytes, Verifier } from '../../crypto';
import {
  appendMessage,
  comparePositions,
  conversationParts,
  deleteMessage,
  editMessage,
  markRead,
  memberKeyOf,
  MessageEntry,
  react,
  readMeta,
  readPositions,
  setTitle,
  type DocsErrorCode,
  type MemberKey,
  type Position,
} from '../../docs';
import { fail, ok, type Result } from '../../protocol/errors';
import type { ClientErrorCode } from '../client-errors';
import type { MemberView } from '../../protocol/api-docs';
import type { DocReplica } from './doc-replica';
import { membershipHistory, type MembershipEvent } from './group-history';

export type ConversationResult<T> = Result<T, ClientErrorCode | DocsErrorCode>;

export interface SeenMember {
  accountId: string;
  memberKey: string;
  name: string;
}

export interface ConversationActions {
  reply(body: string, replyTo: string): Promise<ConversationResult<string>>;
  /** Own messages only; shown `edited`, signed like the original. */
  edit(messageId: string, body: string): Promise<ConversationResult<void>>;
  /** Own messages only; leaves a signed tombstone ("message deleted") and removes the text on every device. */
  delete(messageId: string): Promise<ConversationResult<void>>;
  react(messageId: string, emoji: string): Promise<ConversationResult<void>>;
  unreact(messageId: string, emoji: string): Promise<ConversationResult<void>>;
  /** Moves my read marker to this message; never backwards. ok(false) when it was already there or beyond. */
  markRead(messageId: string): Promise<ConversationResult<boolean>>;
  /** Each member's verified read position. */
  readPositions(): Promise<Map<MemberKey, Position>>;
  /** Other current members (not me, not the author) who have read up to this message: "Seen by" in groups. */
  seenBy(messageId: string): Promise<SeenMember[]>;
  /** Someone other than me and the author has read it: the tick of a one-to-one conversation. */
  seen(messageId: string): Promise<boolean>;
  /** Renames a group (`conversation.not_group` for one-to-one). */
  rename(title: string): Promise<ConversationResult<string>>;
  /** Who added or removed whom, from the signed records. */
  history(): Promise<MembershipEvent[]>;
}

/** What the actions need from the list that holds the document: Conversations, or Communities for a thread. */
export interface ActionsHost {
  view(docId: string): { kind?: 'direct' | 'group'; createdBy: string | null; members: MemberView[] } | undefined;
  rotateIfNeeded(docId: string): Promise<void>;
  markDirty(docId: string): Promise<void>;
  knownName(docId: string, accountId: string): string | null;
  nameOf(docId: string, memberKey: string): string;
}

export interface ActionsContext {
  docId: string;
  replica: DocReplica;
  conversations: ActionsHost;
  identity: Identity;
  /** This user's account id. */
  accountId: string;
  verifier: Verifier;
  random: RandomBytes;
  now: () => number;
  closed(): boolean;
  /**
   * Read receipts: whether my read position goes into the shared document (receipts on and no request
   * waiting either way) and whether I see others' (receipts on: reciprocal). Both true when absent.
   */
  receipts?(): { share: boolean; show: boolean };
  /** My read position kept on this device only, for when it is not shared. */
  localRead?: { get(): Position | undefined; set(position: Position): void };
}

const PREVIEW_LENGTH = 140;
export const previewOf = (body: string): string => (body.length > PREVIEW_LENGTH ? `${body.slice(0, PREVIEW_LENGTH - 1)}…` : body);

export function conversationActions(c: ActionsContext): ConversationActions {
  const { docId, replica, conversations } = c;
  const me = memberKeyOf(c.identity.signing.publicKey);

  /** Runs one writer; on success the entry it made is marked for sync. */
  async function write<T>(run: () => Result<T, DocsErrorCode>): Promise<ConversationResult<T>> {
    if (c.closed()) return fail('request.invalid');
    // A member left since the last write: rotate first, so the new entry is sealed with the new epoch key.
    await conversations.rotateIfNeeded(docId).catch(() => undefined);
    const result = run();
    if (result.ok) await conversations.markDirty(docId);
    return result;
  }

  function positionOf(messageId: string): Position | null {
    const entry = MessageEntry.safeParse(conversationParts(replica.inner).messages.get(messageId));
    return entry.success && entry.data.id === messageId ? { sentAt: entry.data.sentAt, messageId: entry.data.id } : null;
  }

  const positions = () => readPositions(replica.inner, { docId, verifier: c.verifier });

  async function seenBy(messageId: string): Promise<SeenMember[]> {
    if (c.receipts && !c.receipts().show) return [];
    const entry = MessageEntry.safeParse(conversationParts(replica.inner).messages.get(messageId));
    if (!entry.success || entry.data.id !== messageId) return [];
    const target: Position = { sentAt: entry.data.sentAt, messageId: entry.data.id };
    const read = await positions();
    const members = conversations.view(docId)?.members ?? [];
    return members
      .filter((m) => m.signingPublicKey !== null && m.signingPublicKey !== me && m.signingPublicKey !== entry.data.author)
      .filter((m) => {
        const position = read.get(m.signingPublicKey as MemberKey);
        return position !== undefined && comparePositions(position, target) >= 0;
      })
      .map((m) => ({ accountId: m.accountId, memberKey: m.signingPublicKey!, name: m.displayName ?? 'Deleted account' }));
  }

  return {
    reply: (body, replyTo) =>
      write(() => appendMessage(replica.inner, { identity: c.identity, docId, body, replyTo, now: c.now(), random: c.random, origin: { preview: previewOf(body) } })),
    edit: async (messageId, body) => {
      const edited = await write(() => editMessage(replica.inner, { identity: c.identity, docId, messageId, body, now: c.now(), origin: {} }));
      return edited.ok ? ok(undefined) : edited;
    },
    delete: async (messageId) => {
      const deleted = await write(() => deleteMessage(replica.inner, { identity: c.identity, docId, messageId, now: c.now(), origin: {} }));
      return deleted.ok ? ok(undefined) : deleted;
    },
    react: async (messageId, emoji) => {
      const reacted = await write(() => react(replica.inner, { identity: c.identity, docId, messageId, emoji, on: true, now: c.now(), origin: {} }));
      return reacted.ok ? ok(undefined) : reacted;
    },
    unreact: async (messageId, emoji) => {
      const withdrawn = await write(() => react(replica.inner, { identity: c.identity, docId, messageId, emoji, on: false, now: c.now(), origin: {} }));
      return withdrawn.ok ? ok(undefined) : withdrawn;
    },
    async markRead(messageId) {
      if (c.closed()) return fail('request.invalid');
      const position = positionOf(messageId);
      if (!position) return fail('message.not_found');
      const shared = (await positions()).get(me);
      const local = c.localRead?.get();
      const mine = local && (!shared || comparePositions(local, shared) > 0) ? local : shared;
      if (mine && comparePositions(position, mine) <= 0) return ok(false);
      if (c.receipts && !c.receipts().share) {
        // Nobody learns I read it: the position stays on this device (unread counts still clear).
        c.localRead?.set(position);
        return ok(true);
      }
      // Read markers are not worth a key rotation of their own; the next message rotates.
      const wrote = markRead(replica.inner, { identity: c.identity, docId, position, origin: {} });
      if (wrote) await conversations.markDirty(docId);
      return ok(wrote);
    },
    readPositions: positions,
    seenBy,
    seen: async (messageId) => (await seenBy(messageId)).length > 0,
    rename: (title) => write(() => setTitle(replica.inner, { title, origin: {} })),
    async history() {
      const view = conversations.view(docId);
      const meta = readMeta(replica.inner);
      const kind = view?.kind ?? (meta.ok ? meta.value.kind : 'group');
      const creator = view?.members.find((m) => m.accountId === view.createdBy)?.signingPublicKey ?? null;
      return membershipHistory(replica.inner, {
        docId,
        kind,
        creator: creator as MemberKey | null,
        verifier: c.verifier,
        nameOf: (memberKey, accountId) => {
          // By account first: a current member whose key changed is still the same person.
          const member = accountId === null ? undefined : view?.members.find((m) => m.accountId === accountId);
          if (member) return member.accountId === c.accountId ? 'You' : (member.displayName ?? 'Deleted account');
          return (accountId !== null ? conversations.knownName(docId, accountId) : null) ?? conversations.nameOf(docId, memberKey);
        },
      });
    },
  };
}
