// The SQLite schema. Times are integer milliseconds since the epoch; binary values are blobs.
// Edit here, then `npm run db:generate` writes the migration into drizzle/.
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const accounts = sqliteTable('accounts', {
  id: text('id').primaryKey(),
  handle: text('handle').notNull().unique(),
  displayName: text('display_name').notNull(),
  signingPublicKey: blob('signing_public_key', { mode: 'buffer' }).notNull(),
  boxPublicKey: blob('box_public_key', { mode: 'buffer' }).notNull(),
  kdfSalt: blob('kdf_salt', { mode: 'buffer' }).notNull(),
  kdfIterations: integer('kdf_iterations').notNull(),
  /** SHA-256(auth_salt || authKey): the passphrase auth key is never stored. */
  authHash: blob('auth_hash', { mode: 'buffer' }).notNull(),
  authSalt: blob('auth_salt', { mode: 'buffer' }).notNull(),
  recoveryHash: blob('recovery_hash', { mode: 'buffer' }).notNull(),
  recoverySalt: blob('recovery_salt', { mode: 'buffer' }).notNull(),
  /** Secret keys wrapped on the device; the server cannot open them. */
  passphraseBackup: blob('passphrase_backup', { mode: 'buffer' }).notNull(),
  recoveryBackup: blob('recovery_backup', { mode: 'buffer' }).notNull(),
  createdAt: integer('created_at').notNull(),
  /** A deleted account is a tombstone: its id, this flag and the handle hold; every other column is emptied. */
  deleted: integer('deleted', { mode: 'boolean' }).notNull().default(false),
  /** Until then a deleted account's handle stays taken (the unique index holds it); null once released. */
  handleHeldUntil: integer('handle_held_until'),
});

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: blob('token_hash', { mode: 'buffer' }).notNull().unique(),
    deviceName: text('device_name').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('sessions_account_id_idx').on(t.accountId)],
);

export const tickets = sqliteTable(
  'tickets',
  {
    /** SHA-256 of the single-use socket ticket. */
    hash: blob('hash', { mode: 'buffer' }).primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('tickets_session_id_idx').on(t.sessionId), index('tickets_expires_at_idx').on(t.expiresAt)],
);

/** Secrets the server makes on first start and keeps (e.g. the key behind fake KDF salts). */
export const serverSecrets = sqliteTable('server_secrets', {
  name: text('name').primaryKey(),
  value: blob('value', { mode: 'buffer' }).notNull(),
  createdAt: integer('created_at').notNull(),
});

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccountRow = typeof accounts.$inferInsert;
export type SessionRow = typeof sessions.$inferSelect;
export type NewSessionRow = typeof sessions.$inferInsert;
export type TicketRow = typeof tickets.$inferSelect;
