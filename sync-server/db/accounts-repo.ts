// Accounts: the only place that reads or writes the accounts table.
import { and, count, eq, sql } from 'drizzle-orm';
import type { Orm } from './open';
import { accounts, type AccountRow, type NewAccountRow } from './schema';

export interface PassphraseChange {
  kdfSalt: Buffer;
  kdfIterations: number;
  authHash: Buffer;
  authSalt: Buffer;
  passphraseBackup: Buffer;
}

export function createAccountsRepo(orm: Orm) {
  // The sync service asks for an author's key on every update: prepared once, one column.
  const selectSigningKey = orm
    .select({ key: accounts.signingPublicKey })
    .from(accounts)
    .where(and(eq(accounts.id, sql.placeholder('id')), eq(accounts.deleted, false)))
    .prepare();
  return {
    /** False when the handle is taken (the unique index decides, so two racing sign-ups cannot both win). */
    insert(row: NewAccountRow): boolean {
      const result = orm.insert(accounts).values(row).onConflictDoNothing({ target: accounts.handle }).run();
      return result.changes === 1;
    },
    // A deleted account (a tombstone) is found by none of these: to everyone it is an unknown account.
    findByHandle(handle: string): AccountRow | undefined {
      return orm.select().from(accounts).where(and(eq(accounts.handle, handle), eq(accounts.deleted, false))).get();
    },
    findById(id: string): AccountRow | undefined {
      return orm.select().from(accounts).where(and(eq(accounts.id, id), eq(accounts.deleted, false))).get();
    },
    /** True for a deleted account's tombstone (so others can show "Deleted account"). */
    isDeleted(id: string): boolean {
      return orm.select({ one: sql<number>`1` }).from(accounts).where(and(eq(accounts.id, id), eq(accounts.deleted, true))).get() !== undefined;
    },
    /** The raw Ed25519 public key of an account. */
    signingKey(id: string): Uint8Array | undefined {
      const row = selectSigningKey.get({ id });
      return row ? new Uint8Array(row.key) : undefined;
    },
    updateDisplayName(id: string, displayName: string): AccountRow | undefined {
      return orm.update(accounts).set({ displayName }).where(eq(accounts.id, id)).returning().get();
    },
    updatePassphrase(id: string, change: PassphraseChange): void {
      orm.update(accounts).set(change).where(eq(accounts.id, id)).run();
    },
    count(): number {
      return orm.select({ n: count() }).from(accounts).get()?.n ?? 0;
    },
  };
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
