// Plaintext canary: messages whose bodies and previews carry a unique marker go through the real server;
// the SQLite file, its WAL (while the server runs, so the WAL holds the data) and the captured server log
// are then scanned byte for byte, in UTF-8 and UTF-16LE: the marker is nowhere. Positive controls prove the
// scan reads the right bytes (the entries' signatures and a user's handle are found there).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../sync-server/db/open';
import { call } from './helpers/api';
import { startServer, type TestServer } from './helpers/server';
import { createConversation, entryId, epochKeysOf, makeSyncUser, openEntry, sealEntry, SyncClient } from './helpers/sync-client';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

/** Every file in DATA_DIR (the database, its -wal and -shm, anything else the server wrote). */
function dataFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path));
  }
  return files;
}

function occurrences(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

/** Occurrences of `marker` (UTF-8 and UTF-16LE) in each named buffer. */
function scan(buffers: Map<string, Buffer>, marker: string): Record<string, number> {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  const counts: Record<string, number> = {};
  for (const [name, bytes] of buffers) counts[name] = needles.reduce((sum, needle) => sum + occurrences(bytes, needle), 0);
  return counts;
}

const zeros = (counts: Record<string, number>): Record<string, number> => Object.fromEntries(Object.keys(counts).map((k) => [k, 0]));

describe('plaintext canary', () => {
  it('keeps message bodies out of the database, its WAL and the log, while running and after close', async () => {
    const marker = `CANARY-${randomBytes(16).toString('hex')}`;
    const a = await makeSyncUser(server);
    const b = await makeSyncUser(server);
    const conversation = await createConversation(server, a, [b], 'group');
    const docId = conversation.id;
    const key = conversation.keys.get(0)!;
    const sa = await SyncClient.synced(server, a, docId);
    const sb = await SyncClient.synced(server, b, docId);

    const sent = Array.from({ length: 8 }, (_, i) =>
      sealEntry({ docId, epoch: 0, key, author: (i % 2 ? b : a).identity, text: `${marker} message ${i} ${marker}`, preview: `${marker} ${i}` }),
    );
    for (const [i, entry] of sent.entries()) (i % 2 ? sb : sa).append(entry);
    const snapshot = sealEntry({ docId, epoch: 0, key, author: a.identity, text: `${marker} snapshot`, kind: 'snapshot', preview: marker });
    await sa.waitForEntries(sent.map(entryId));
    sa.doc.transact(() => {
      sa.entries.delete(0, 4);
      sa.entries.push([snapshot]);
    });
    await sa.waitStoredAll();
    await sb.waitStoredAll();
    await sb.waitForEntries([entryId(snapshot)]);

    // Refused attempts carry the marker too: a tampered entry on the socket, a malformed API request.
    const attacker = await SyncClient.synced(server, a, docId);
    const tampered = sealEntry({ docId, epoch: 0, key, author: a.identity, text: `${marker} tampered` }).slice();
    tampered[90]! ^= 1;
    attacker.append(tampered);
    expect((await attacker.waitClosed()).reason).toBe('envelope.bad_signature');
    const bad = await call(server, 'POST', '/api/conversations', { token: a.token, json: { id: marker, kind: 'group', memberIds: [marker], keyEnvelopes: [] } });
    expect(bad.status).toBe(400);

    // Positive control: the marker really travelled, inside the ciphertext, and B reads it.
    const keys = await epochKeysOf(server, b, docId);
    const opened = await Promise.all(sb.entries.toArray().map((e) => openEntry(e, docId, keys)));
    expect(opened.every((o) => o.ok && o.text.includes(marker) && o.preview?.includes(marker))).toBe(true);
    expect(opened).toHaveLength(sent.length - 4 + 1);

    // While the server runs: the WAL holds the commits.
    const live = dataFiles(server.dataDir);
    expect(live.get(`${DATABASE_FILE}-wal`)?.length ?? 0).toBeGreaterThan(0);
    const log = Buffer.from(server.logs.join('\n'), 'utf8');
    expect(server.logs.some((line) => line.includes('"msg":"sync refused"'))).toBe(true);
    const liveCounts = scan(new Map([...live, ['server log', log]]), marker);
    expect(liveCounts).toEqual(zeros(liveCounts));
    // The scan sees stored bytes: every entry's signature and a handle are found in the database files.
    const liveDb = Buffer.concat([...live.values()]);
    for (const entry of [...sent, snapshot]) expect(liveDb.indexOf(Buffer.from(entry.subarray(entry.length - 64)))).not.toBe(-1);
    expect(occurrences(liveDb, Buffer.from(a.handle, 'utf8'))).toBeGreaterThan(0);

    for (const c of [sa, sb]) c.close();
    await server.close();

    // After close the WAL is checkpointed into the main file: still no marker, the entries are there.
    const closed = dataFiles(server.dataDir);
    const closedCounts = scan(new Map([...closed, ['server log', Buffer.from(server.logs.join('\n'), 'utf8')]]), marker);
    expect(closedCounts).toEqual(zeros(closedCounts));
    const main = closed.get(DATABASE_FILE)!;
    for (const entry of [...sent, snapshot]) expect(main.indexOf(Buffer.from(entry.subarray(entry.length - 64)))).not.toBe(-1);
  });
});
