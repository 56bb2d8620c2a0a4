// Opens the SQLite file in DATA_DIR with the durability settings the design asks for,
// and applies the committed drizzle/ migrations before anything else touches it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as accountSchema from './schema';
import * as docSchema from './schema-docs';
import * as privacySchema from './privacy-schema';

const schema = { ...accountSchema, ...docSchema, ...privacySchema };

export type Orm = BetterSQLite3Database<typeof schema>;

export interface Database {
  orm: Orm;
  /** Runs `fn` in one SQLite transaction; it must be synchronous (better-sqlite3). */
  transaction<T>(fn: () => T): T;
  /** The connection's durability settings, for tests and diagnostics. */
  settings(): { journalMode: string; synchronous: number; foreignKeys: number; busyTimeout: number };
  close(): void;
}

export const DATABASE_FILE = 'has-needs.sqlite';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenOptions {
  /** FULL (the default, what the design requires). OFF exists only so the benchmarks can show what durability costs. */
  synchronous?: 'FULL' | 'OFF';
  /** Told every statement the connection runs, with its parameters (tests count the queries of a hot path). */
  trace?: (sql: string) => void;
}

export function openDatabase(dataDir: string, migrationsFolder: string = MIGRATIONS_FOLDER, options: OpenOptions = {}): Database {
  mkdirSync(dataDir, { recursive: true });
  const { trace } = options;
  const sqlite = new BetterSqlite3(join(dataDir, DATABASE_FILE), trace ? { verbose: (message) => trace(String(message)) } : {});
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    // better-sqlite3 defaults to NORMAL under WAL; FULL makes a commit survive a power cut.
    sqlite.pragma(`synchronous = ${options.synchronous === 'OFF' ? 'OFF' : 'FULL'}`);
    sqlite.pragma('foreign_keys = ON');
    const orm = drizzle(sqlite, { schema });
    migrate(orm, { migrationsFolder });
    let closed = false;
    return {
      orm,
      transaction: (fn) => sqlite.transaction(fn)(),
      settings: () => ({
        journalMode: String(sqlite.pragma('journal_mode', { simple: true })),
        synchronous: Number(sqlite.pragma('synchronous', { simple: true })),
        foreignKeys: Number(sqlite.pragma('foreign_keys', { simple: true })),
        busyTimeout: Number(sqlite.pragma('busy_timeout', { simple: true })),
      }),
      close() {
        if (closed) return;
        closed = true;
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
