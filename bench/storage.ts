// Benchmark 5: server bytes per message for a 10,000-message conversation, before and after compaction, against
// the plaintext of the same messages. The history is committed through the sync service's own store (the rows it
// writes for accepted updates: one outer update, one entry signature per message); a reader's sync then merges the
// rows as the server does; the compaction (one snapshot entry + removal of every entry) goes through the socket
// and the server's checks.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { encodeFrame, MESSAGE_AUTH, MESSAGE_STORED, MESSAGE_SYNC, SYNC_STEP2 } from '../lib/protocol/sync-frames';
import { pick, type BenchContext } from './lib/context';
import { sealEnvelopeFast } from './lib/fast-keys';
import { buildHistory } from './lib/history';
import { asBytes, closeAll, frameUpdate } from './lib/lean-client';
import { connectSockets, makeMembers, newDocId, seedAccounts } from './lib/rooms';
import type { StorageReport } from './lib/server-protocol';
import { startServer, type BenchServer } from './lib/server-process';
import type { BenchResult, Row } from './lib/table';

function nextFrame(ws: WebSocket, accept: (frame: Uint8Array) => boolean, what: string, timeoutMs = 60_000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const onMessage = (data: unknown) => {
      const frame = asBytes(data);
      if (frame[0] === MESSAGE_AUTH) return done(new Error(`refused while waiting for ${what}: ${Buffer.from(frame.subarray(3)).toString()}`));
      if (accept(frame)) done(null, frame);
    };
    const onClose = (code: number) => done(new Error(`socket closed (${code}) while waiting for ${what}`));
    function done(error: Error | null, frame?: Uint8Array) {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (error) reject(error);
      else resolve(frame!);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

const isStep2 = (f: Uint8Array) => f[0] === MESSAGE_SYNC && f[1] === SYNC_STEP2;
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** A new device joining: asks for everything, gets the server's merged state (and makes it merge its rows). */
async function download(server: BenchServer, member: Parameters<typeof connectSockets>[2][number]['member'], docId: string): Promise<Uint8Array> {
  const [ws] = await connectSockets(server, 'ours', [{ member, docId }]);
  try {
    const reply = nextFrame(ws!, isStep2, 'sync step 2');
    ws!.send(encodeFrame({ type: 'sync-step1', stateVector: EMPTY_STATE_VECTOR }));
    return frameUpdate(await reply).slice();
  } finally {
    await closeAll([ws!]);
  }
}

const pagesOf = (r: StorageReport) => Object.values(r.pages).reduce((a, b) => a + b, 0);
const logicalOf = (r: StorageReport) => r.updateBytes + r.signatureBytes;

export async function storageBench(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const count = pick(ctx, 500, 10_000);
  const server = await startServer({ mode: 'ours' });
  const notes: string[] = [];
  try {
    const [alice, bob] = makeMembers(2) as [ReturnType<typeof makeMembers>[number], ReturnType<typeof makeMembers>[number]];
    const docId = newDocId();
    const key = new Uint8Array(randomBytes(32));
    await server.seed(seedAccounts([alice, bob]), [{ id: docId, members: [alice.accountId, bob.accountId] }]);
    ctx.log(`storage: building ${count} messages`);
    const history = buildHistory({ docId, key, signer: alice.identity.signer, accountId: alice.accountId, count, startAt: Date.now() - count * 1000 });
    for (let i = 0; i < history.commits.length; i += 2000) await server.commit(history.commits.slice(i, i + 2000));
    const raw = await server.storage(docId);

    const firstDownload = await download(server, bob, docId);
    const before = await server.storage(docId);

    // Compaction, as the engine's replica does it: the whole inner state in one snapshot entry, every entry removed.
    const [aliceWs] = await connectSockets(server, 'ours', [{ member: alice, docId }]);
    const snapshotPlain = Y.encodeStateAsUpdate(history.inner);
    const snapshot = sealEnvelopeFast({
      docId,
      epoch: 0,
      kind: 'snapshot',
      plaintext: { update: snapshotPlain },
      key,
      signer: alice.identity.signer,
      nonce: new Uint8Array(randomBytes(24)),
    });
    const { frame } = history.writer.compact(snapshot);
    const stored = nextFrame(aliceWs!, (f) => f[0] === MESSAGE_STORED, 'the compaction to be stored');
    aliceWs!.send(frame);
    await stored;
    await closeAll([aliceWs!]);
    const secondDownload = await download(server, bob, docId);
    const after = await server.storage(docId);

    // What the stored state would be if merging dropped the content of removed entries (Yjs garbage collection).
    const gcDoc = new Y.Doc();
    Y.applyUpdate(gcDoc, secondDownload);
    const collected = Y.encodeStateAsUpdate(gcDoc).length;
    gcDoc.destroy();

    const plainYjs = Y.encodeStateAsUpdate(history.inner).length;
    const perMsg = (bytes: number) => bytes / count;
    const plainRef = { name: 'plain Yjs doc of the same messages', value: perMsg(plainYjs) };
    const bodyRef = { name: 'message bodies (UTF-8)', value: perMsg(history.bodyBytes) };
    const hasPages = Object.keys(after.pages).length > 0;
    const rows: Row[] = [
      { figure: `before compaction, stored bytes/msg (${before.updateRows} update row(s) + signatures)`, value: perMsg(logicalOf(before)), unit: 'B', reference: plainRef },
      { figure: 'before compaction, stored bytes/msg', value: perMsg(logicalOf(before)), unit: 'B', reference: bodyRef },
      {
        figure: `after compaction, stored bytes/msg (${after.updateRows} update row(s) + signatures)`,
        value: perMsg(logicalOf(after)),
        unit: 'B',
        reference: plainRef,
        target: '<= 2x',
        met: logicalOf(after) <= 2 * plainYjs,
      },
      { figure: 'after compaction, stored bytes/msg', value: perMsg(logicalOf(after)), unit: 'B', reference: bodyRef },
    ];
    if (hasPages) {
      rows.push({ figure: 'after compaction, SQLite pages/msg (tables + indexes)', value: perMsg(pagesOf(after)), unit: 'B', reference: plainRef });
    }
    rows.push(
      { figure: 'of which entry signatures, kept forever (replay check)', value: perMsg(after.signatureBytes), unit: 'B', reference: plainRef },
      { figure: 'after compaction if merging dropped removed entries (computed)', value: perMsg(collected + after.signatureBytes), unit: 'B', reference: plainRef, target: '<= 2x', met: collected + after.signatureBytes <= 2 * plainYjs },
      { figure: 'new device download/msg, before compaction', value: perMsg(firstDownload.length), unit: 'B', reference: plainRef },
      { figure: 'new device download/msg, after compaction', value: perMsg(secondDownload.length), unit: 'B', reference: plainRef },
    );
    notes.push(
      `${count} messages, bodies ${perMsg(history.bodyBytes).toFixed(0)} B on average; snapshot entry ${(snapshot.length / 1024).toFixed(0)} KiB (cap ${3 * 1024} KiB: about ${Math.floor((3 * 1024 * 1024 * count) / snapshotPlain.length).toLocaleString('en-US')} such messages fit one snapshot)`,
      `unmerged (one row per message): ${perMsg(logicalOf(raw)).toFixed(0)} B/msg logical${Object.keys(raw.pages).length ? `, ${perMsg(pagesOf(raw)).toFixed(0)} B/msg in SQLite pages` : ''}; rows merge when a reader syncs and the document has >= 256 rows`,
    );
    return { id: 'storage', title: '5. Storage per message, before and after compaction (lean client; server rows)', rows, notes, ms: performance.now() - started };
  } finally {
    await server.stop();
  }
}
