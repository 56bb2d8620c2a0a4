// The conversation's plain metadata. Unsigned: only members can write the inner document at all (the envelope
// layer checks that), and nothing security-relevant is decided from it — membership rules take the kind from
// the caller when it is known.
import type * as Y from 'yjs';
import { z } from 'zod';
import { fail, ok, type Result } from '../protocol/errors';
import type { DocsErrorCode } from './docs-errors';
import { conversationParts, FORMAT_VERSION } from './layout';
import { ConversationKind, Title } from './records';

export const ConversationMeta = z.object({
  format: z.int().min(1),
  kind: ConversationKind,
  title: Title.optional(),
});
export type ConversationMeta = z.infer<typeof ConversationMeta>;

export function readMeta(doc: Y.Doc): Result<ConversationMeta, DocsErrorCode> {
  const meta = conversationParts(doc).meta;
  if (!meta.has('format')) return fail('conversation.not_initialised');
  const parsed = ConversationMeta.safeParse(meta.toJSON());
  if (!parsed.success) return fail('conversation.malformed');
  if (parsed.data.format > FORMAT_VERSION) return fail('conversation.unsupported_format');
  return ok(parsed.data);
}

