// How long one durable commit takes on this disk: SQLite WAL, one small transaction at a time, synchronous FULL
// against OFF. The sync server commits on its event loop (better-sqlite3 is synchronous), so this is also how
// long every socket waits while a commit is on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { summarize, type Summary } from './stats';

export function commitLatency(synchronous: 'FULL' | 'OFF', o: { maxMs: number; maxCount: number }): Summary {
  const dir = mkdtempSync(join(tmpdir(), 'hn-disk-'));
  const db = new BetterSqlite3(join(dir, 'disk.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = db.transaction((v: Buffer) => insert.run(v));
    const value = Buffer.alloc(600, 7);
    const times: number[] = [];
    const started = performance.now();
    while (times.length < o.maxCount && performance.now() - started < o.maxMs) {
      const t = performance.now();
      commit(value);
      times.push(performance.now() - t);
    }
    return summarize(times);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
