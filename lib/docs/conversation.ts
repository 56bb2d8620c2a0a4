// A conversation's metadata and its creation. The layout itself is in layout.ts.
import type * as Y from 'yjs';
import { z } from 'zod';
import type { Identity } from '../crypto/index';
import { fail, ok, type Result } from '../protocol/errors';
import type { DocsErrorCode } from './docs-errors';
import { memberKeyOf } from './ids';
import { ConversationKind, MAX_GROUP_MEMBERS, Member, Title, type MembershipRecord } from './records';
import { conversationParts, FORMAT_VERSION } from './layout';
import { readMeta } from './meta';
import { appendMembershipRecord } from './membership';

export interface InitConversationOptions {
  identity: Identity;
  /** The creator's account id. */
  user: string;
  docId: string;
  kind: ConversationKind;
  title?: string;
  /** Everyone else: exactly one for a direct conversation, up to 49 for a group. */
  others: Member[];
  epoch: number;
  now: number;
  origin?: unknown;
}

/** Writes the layout and the signed 'create' membership record in one transaction. */
export function initConversation(doc: Y.Doc, o: InitConversationOptions): Result<MembershipRecord, DocsErrorCode> {
  const parts = conversationParts(doc);
  if (parts.meta.has('format')) return fail('conversation.already_initialised');
  const self: Member = { user: o.user, key: memberKeyOf(o.identity.signing.publicKey) };
  const subjects = [self, ...o.others];
  if (!z.array(Member).safeParse(subjects).success) return fail('conversation.invalid_members');
  const distinctKeys = new Set(subjects.map((s) => s.key));
  const distinctUsers = new Set(subjects.map((s) => s.user));
  if (distinctKeys.size !== subjects.length || distinctUsers.size !== subjects.length) return fail('conversation.invalid_members');
  if (o.kind === 'direct' && subjects.length !== 2) return fail('conversation.invalid_members');
  if (subjects.length > MAX_GROUP_MEMBERS) return fail('conversation.invalid_members');
  let title: string | undefined;
  if (o.kind === 'group' && o.title !== undefined) {
    const parsed = Title.safeParse(o.title);
    if (!parsed.success) return fail('conversation.invalid_title');
    title = parsed.data;
  }
  let record: MembershipRecord | undefined;
  doc.transact(() => {
    parts.meta.set('format', FORMAT_VERSION);
    parts.meta.set('kind', o.kind);
    if (title !== undefined) parts.meta.set('title', title);
    record = appendMembershipRecord(parts, {
      identity: o.identity,
      docId: o.docId,
      action: 'create',
      subjects,
      epoch: o.epoch,
      now: o.now,
    });
  }, o.origin);
  if (!record) throw new Error('initConversation: transaction did not run');
  return ok(record);
}

/** Group names are plain meta: any member may rename, as in most messengers; the envelope names who did. */
export function setTitle(doc: Y.Doc, o: { title: string; origin?: unknown }): Result<string, DocsErrorCode> {
  const meta = readMeta(doc);
  if (!meta.ok) return meta;
  if (meta.value.kind !== 'group') return fail('conversation.not_group');
  const parsed = Title.safeParse(o.title);
  if (!parsed.success) return fail('conversation.invalid_title');
  doc.transact(() => conversationParts(doc).meta.set('title', parsed.data), o.origin);
  return ok(parsed.data);
}
