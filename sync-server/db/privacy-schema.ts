// Privacy and consent tables: contact settings, blocks, accepted contacts and declined requests.
// Message-request status itself lives on the membership row (document_members.status).
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './schema';
import { documents } from './schema-docs';

/** One row per account that changed a setting; no row means the defaults (api-privacy DEFAULT_PRIVACY). */
export const privacySettings = sqliteTable('privacy_settings', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  contact: text('contact', { enum: ['everyone', 'communities', 'nobody_new'] }).notNull(),
  readReceipts: integer('read_receipts', { mode: 'boolean' }).notNull(),
  typing: integer('typing', { mode: 'boolean' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const blocks = sqliteTable(
  'blocks',
  {
    blockerId: text('blocker_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    blockedId: text('blocked_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('blocks_blocked_idx').on(t.blockedId)],
);

/** `accountId` accepted `contactId`: a new conversation from contactId arrives without a request. */
export const acceptedContacts = sqliteTable(
  'accepted_contacts',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    contactId: text('contact_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    acceptedAt: integer('accepted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.contactId] }), index('accepted_contacts_contact_idx').on(t.contactId)],
);

/**
 * A declined request: the decliner is no longer a member, but the others keep seeing them exactly as before
 * (same member entry, same place), so a decline tells the sender nothing.
 */
export const declinedRequests = sqliteTable(
  'declined_requests',
  {
    docId: text('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    addedBy: text('added_by'),
    joinedAt: integer('joined_at').notNull(),
    joinedEpoch: integer('joined_epoch').notNull(),
    declinedAt: integer('declined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.accountId] }), index('declined_requests_account_idx').on(t.accountId)],
);

export type PrivacySettingsRow = typeof privacySettings.$inferSelect;
export type DeclinedRequestRow = typeof declinedRequests.$inferSelect;
