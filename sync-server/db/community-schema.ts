// Communities: roles, threads, invite links, direct invitations and the public directory. A community and each
// of its threads are rows of `documents` (kinds 'community' and 'thread'); membership and key envelopes live on
// the community's row only, and a thread is read and written by whoever is a member of its community.
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts } from './schema';
import { documents } from './schema-docs';

export const COMMUNITY_ROLES = ['owner', 'moderator', 'member'] as const;

/** One row per member of a community: the role the server enforces (mirrored as signed records in the document). */
export const communityRoles = sqliteTable(
  'community_roles',
  {
    communityId: text('community_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    role: text('role', { enum: COMMUNITY_ROLES }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.accountId] }), index('community_roles_account_idx').on(t.accountId)],
);

/** A thread document and the community whose membership and epoch keys it shares. */
export const communityThreads = sqliteTable(
  'community_threads',
  {
    threadId: text('thread_id')
      .primaryKey()
      .references(() => documents.id, { onDelete: 'cascade' }),
    communityId: text('community_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('community_threads_community_idx').on(t.communityId)],
);

/**
 * An invite link. The link's fragment holds the id and a secret the server never sees: it keeps a hash of the
 * proof key derived from that secret, and the epoch key sealed with another key derived from it (lib/protocol/invite).
 */
export const communityInvites = sqliteTable(
  'community_invites',
  {
    id: text('id').primaryKey(),
    communityId: text('community_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    createdBy: text('created_by').references(() => accounts.id, { onDelete: 'set null' }),
    proofHash: blob('proof_hash', { mode: 'buffer' }).notNull(),
    /** The epoch key, secretbox-sealed on the client; it opens only the epoch it was made in. */
    sealedKey: blob('sealed_key', { mode: 'buffer' }).notNull(),
    epoch: integer('epoch').notNull(),
    expiresAt: integer('expires_at').notNull(),
    maxUses: integer('max_uses').notNull(),
    uses: integer('uses').notNull().default(0),
    revoked: integer('revoked', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('community_invites_community_idx').on(t.communityId)],
);

/** What the owner chose to publish; a community without a row is never listed. */
export const communityDirectory = sqliteTable(
  'community_directory',
  {
    communityId: text('community_id')
      .primaryKey()
      .references(() => documents.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Lower-cased name, for search by name. */
    nameKey: text('name_key').notNull(),
    description: text('description').notNull(),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [index('community_directory_name_idx').on(t.nameKey)],
);

export type CommunityRole = (typeof COMMUNITY_ROLES)[number];
export type CommunityInviteRow = typeof communityInvites.$inferSelect;
