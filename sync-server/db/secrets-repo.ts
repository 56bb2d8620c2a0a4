// Server secrets made on first start and kept in DATA_DIR, so restarts give the same answers.
import { eq } from 'drizzle-orm';
import { asBuffer } from './bytes';
import type { Orm } from './open';
import { serverSecrets } from './schema';

export function createSecretsRepo(orm: Orm) {
  return {
    getOrCreate(name: string, make: () => Uint8Array, now: number): Uint8Array {
      const existing = orm.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get();
      if (existing !== undefined) return new Uint8Array(existing.value);
      orm
        .insert(serverSecrets)
        .values({ name, value: asBuffer(make()), createdAt: now })
        .onConflictDoNothing()
        .run();
      // Read back rather than trust our own value: another process may have won the insert.
      const stored = orm.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get();
      if (stored === undefined) throw new Error(`server secret ${name} was not stored`);
      return new Uint8Array(stored.value);
    },
  };
}

export type SecretsRepo = ReturnType<typeof createSecretsRepo>;
