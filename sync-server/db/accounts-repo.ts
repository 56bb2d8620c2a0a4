// Accounts: the only place that reads or writes the accounts table.
import { count, eq } from 'drizzle-orm';
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
  return {
    /** False when the handle is taken (the unique index decides, so two racing sign-ups cannot both win). */
    insert(row: NewAccountRow): boolean {
      const result = orm.insert(accounts).values(row).onConflictDoNothing({ target: accounts.handle }).run();
      return result.changes === 1;
    },
    findByHandle(handle: string): AccountRow | undefined {
      return orm.select().from(accounts).where(eq(accounts.handle, handle)).get();
    },
    findById(id: string): AccountRow | undefined {
      return orm.select().from(accounts).where(eq(accounts.id, id)).get();
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
