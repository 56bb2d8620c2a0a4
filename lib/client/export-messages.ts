// The data export's message shape, shared by conversations and community threads (both have the conversation
// layout): how a listed message becomes one entry of the file, and reading a whole history a page at a time.
import { z } from 'zod';
import type { MessageView, Position } from '../docs';
import { Id, type Account } from '../protocol/api';

export const ExportPerson = z.strictObject({ memberKey: z.string(), accountId: Id.nullable(), name: z.string() });
export type ExportPerson = z.infer<typeof ExportPerson>;

export const ExportMessage = z.strictObject({
  id: z.string(),
  author: ExportPerson,
  sentAt: z.number().int(),
  body: z.string().nullable(),
  deleted: z.boolean(),
  edited: z.boolean(),
  editedAt: z.number().int().nullable(),
  replyTo: z.string().nullable(),
  verified: z.boolean(),
  reactions: z.array(z.strictObject({ emoji: z.string(), by: z.array(ExportPerson) })),
});
export type ExportMessage = z.infer<typeof ExportMessage>;

/** The engine names me "You"; the file names me as the others see me. */
export const nameInFile = (name: string, me: Account): string => (name === 'You' ? me.displayName : name);

/** Names a signing key as this device knows it in one document. */
export type PersonOf = (memberKey: string) => ExportPerson;

export function exportMessage(m: MessageView, person: PersonOf): ExportMessage {
  return {
    id: m.id,
    author: person(m.author),
    sentAt: m.sentAt,
    body: m.body,
    deleted: m.deleted,
    edited: m.edited,
    editedAt: m.editedAt,
    replyTo: m.replyTo,
    verified: m.verified,
    reactions: m.reactions.map((r) => ({ emoji: r.emoji, by: r.members.map(person) })),
  };
}

/** A reader's window: the newest `limit` messages before `before`, oldest first. */
export type ReadWindow = (window: { limit: number; before?: Position }) => Promise<MessageView[]>;

/** Every message of a document, oldest first. */
export async function exportHistory(read: ReadWindow, pageSize: number, person: PersonOf): Promise<ExportMessage[]> {
  const pages: ExportMessage[][] = [];
  let before: Position | undefined;
  // Newest page first, each one older than the last, so no step verifies more than one page.
  for (;;) {
    const page = await read({ limit: pageSize, ...(before ? { before } : {}) });
    pages.push(page.map((m) => exportMessage(m, person)));
    const oldest = page[0];
    if (page.length < pageSize || !oldest) break;
    before = { sentAt: oldest.sentAt, messageId: oldest.id };
  }
  return pages.reverse().flat();
}

/** A code for the file when a device store throws while one document is read. */
export function problemOf(error: unknown): string {
  return error instanceof Error && error.name ? `device.${error.name}` : 'device.unreadable';
}
