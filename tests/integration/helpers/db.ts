// Looks inside a test server's database, so bad-input tests can prove that nothing changed.
import { accounts, serverSecrets, sessions, tickets } from '../../../sync-server/db/schema';
import type { TestServer } from './server';

/** Every row of every table, as one comparable string. */
export function dbFingerprint(server: Pick<TestServer, 'db'>): string {
  const { orm } = server.db;
  const all = {
    accounts: orm.select().from(accounts).all(),
    sessions: orm.select().from(sessions).all(),
    tickets: orm.select().from(tickets).all(),
    serverSecrets: orm.select().from(serverSecrets).all(),
  };
  return JSON.stringify(all, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && (value as { type?: string }).type === 'Buffer'
      ? Buffer.from((value as { data: number[] }).data).toString('base64')
      : value,
  );
}

export function countAccounts(server: Pick<TestServer, 'db'>): number {
  return server.db.orm.select().from(accounts).all().length;
}
