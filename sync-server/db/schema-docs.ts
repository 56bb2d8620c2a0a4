// Documents (conversations now; communities and threads later), their members, key envelopes and the
// encrypted outer Yjs updates. The server stores ciphertext and routing metadata, never a message.
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './schema';

export const documents = sqliteTable('documents', {
  id: text('id').primaryKey(),
  /** 'direct' | 'group' for conversations; 'community' and 'thread' for communities (community-schema). */
  kind: text('kind').notNull(),
  createdBy: text('created_by').references(() => accounts.id, { onDelete: 'set null' }),
  createdAt: integer('created_at').notNull(),
  /** The epoch whose key new entries must use (or an older one while a rotation is pending). */
  epoch: integer('epoch').notNull(),
  /** Set when a member left: the next writer rotates to a new epoch. */
  rotationNeeded: integer('rotation_needed', { mode: 'boolean' }).notNull().default(false),
  /** Bumped by every accepted update; the event stream carries it so devices know what changed. */
  seq: integer('seq').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export const documentMembers = sqliteTable(
  'document_members',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    addedBy: text('added_by'),
    joinedAt: integer('joined_at').notNull(),
    /** The first epoch this member holds a key for. */
    joinedEpoch: integer('joined_epoch').notNull(),
    /** 'request' until a member added by someone they had not accepted accepts (sync-server/db/privacy-schema). */
    status: text('status', { enum: ['request', 'accepted'] }).notNull().default('accepted'),
  },
  (t) => [primaryKey({ columns: [t.docId, t.accountId] }), index('document_members_account_idx').on(t.accountId)],
);

export const keyEnvelopes = sqliteTable(
  'key_envelopes',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    epoch: integer('epoch').notNull(),
    recipientId: text('recipient_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    senderId: text('sender_id').notNull(),
    /** The epoch key boxed to the recipient and signed by the sender (lib/protocol/key-envelope). */
    envelope: blob('envelope', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.epoch, t.recipientId] }), index('key_envelopes_recipient_idx').on(t.recipientId)],
);

export const docUpdates = sqliteTable(
  'doc_updates',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    update: blob('update', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.seq] })],
);

/** Every entry signature ever accepted per document: a replay is refused, even after compaction. */
export const entrySignatures = sqliteTable(
  'entry_signatures',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    signature: blob('signature', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.signature] })],
);

/** Yjs client ids are bound to the account that first wrote with them, so no one can write in another's name. */
export const docClients = sqliteTable(
  'doc_clients',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    clientId: integer('client_id').notNull(),
    accountId: text('account_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.clientId] })],
);

export type DocumentRow = typeof documents.$inferSelect;
