// The lean client: the same lib/protocol pieces the engine uses (envelopes, y-protocols frames, an outer Y.Doc
// whose only content is the `entries` array) without the engine's per-message UI work (IndexedDB, listing,
// inner-document bookkeeping), so a load generator can keep up with the server on the one core it has.
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { createVerifier, webCryptoBackend, type Verifier } from '../../lib/crypto';
import { openEnvelope } from '../../lib/protocol/envelope';
import { decodeFrame, encodeFrame, MESSAGE_STORED, MESSAGE_SYNC, SYNC_UPDATE } from '../../lib/protocol/sync-frames';
import { checkOuterUpdate, OUTER_ENTRIES } from '../../lib/protocol/yjs-update-scan';
import { sealEnvelopeFast, type FastSigner } from './fast-keys';

const firstFrames = new WeakMap<WebSocket, Promise<Uint8Array>>();

/** The first frame the server sent on a socket from openSocket (it can arrive in the same packet as the handshake). */
export function firstFrame(ws: WebSocket): Promise<Uint8Array> {
  const first = firstFrames.get(ws);
  if (!first) throw new Error('not a socket from openSocket');
  return first;
}

export function openSocket(url: string, origin: string, timeoutMs = 30_000): Promise<WebSocket> {
  const ws = new WebSocket(url, { origin, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  ws.binaryType = 'nodebuffer';
  firstFrames.set(ws, new Promise((resolve) => ws.once('message', (data) => resolve(asBytes(data)))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`socket did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`socket refused with HTTP ${res.statusCode}`));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Opens many sockets with at most `concurrency` handshakes in flight. */
export async function openMany(urls: string[], origin: string, concurrency: number): Promise<WebSocket[]> {
  const out = new Array<WebSocket>(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      out[i] = await openSocket(urls[i]!, origin);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  return out;
}

export function closeAll(sockets: Iterable<WebSocket>): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const ws of sockets) {
    if (ws.readyState === ws.CLOSED) continue;
    // A paused socket would never read the close handshake.
    if (ws.isPaused) ws.resume();
    waits.push(new Promise((resolve) => ws.once('close', () => resolve())));
    ws.close(1000);
  }
  // Bounded: whatever has not closed in 10 s is cut.
  const cut = setTimeout(() => {
    for (const ws of sockets) ws.terminate();
  }, 10_000);
  return Promise.all(waits).then(() => clearTimeout(cut));
}

// --- frames ----------------------------------------------------------------------------------------------------

function readVarUint(bytes: Uint8Array, at: { i: number }): number {
  let value = 0;
  let mult = 1;
  for (;;) {
    const byte = bytes[at.i++]!;
    value += (byte & 0x7f) * mult;
    if (byte < 0x80) return value;
    mult *= 128;
  }
}

export const frameType = (frame: Uint8Array): number => frame[0]!;
export const isStored = (frame: Uint8Array): boolean => frame[0] === MESSAGE_STORED;

/**
 * How many items of Yjs client `client` a `stored` frame says are on disk: with one entry per update, how many of
 * that writer's updates are acknowledged. One frame may acknowledge several (the server sends one per commit batch).
 */
export function storedClock(frame: Uint8Array, client: number): number {
  const decoded = decodeFrame(frame);
  if (!decoded.ok || decoded.frame.type !== 'stored') throw new Error('not a stored frame');
  return Y.decodeStateVector(decoded.frame.stateVector).get(client) ?? 0;
}
export const isSyncUpdate = (frame: Uint8Array): boolean => frame[0] === MESSAGE_SYNC && frame[1] === SYNC_UPDATE;

/** The (client, clock) of the first struct of a sync-update frame: names one message, read in a few bytes. */
export function updateKey(frame: Uint8Array): string {
  const at = { i: 2 };
  readVarUint(frame, at); // update length
  readVarUint(frame, at); // number of clients
  readVarUint(frame, at); // structs of the first client
  const client = readVarUint(frame, at);
  const clock = readVarUint(frame, at);
  return `${client}:${clock}`;
}

/** The update inside a sync-update frame. */
export function frameUpdate(frame: Uint8Array): Uint8Array {
  const at = { i: 2 };
  const length = readVarUint(frame, at);
  return frame.subarray(at.i, at.i + length);
}

// --- writing ---------------------------------------------------------------------------------------------------

/** One writer's outer document: each appended entry becomes one outer update, as the engine's outbox makes. */
export class OuterWriter {
  readonly doc = new Y.Doc();
  readonly entries = this.doc.getArray<Uint8Array>(OUTER_ENTRIES);
  #last: Uint8Array | null = null;

  constructor() {
    this.doc.on('update', (update: Uint8Array) => {
      this.#last = update;
    });
  }

  /** Appends one entry; returns the sync-update frame and the key recipients will see. */
  append(entry: Uint8Array): { frame: Uint8Array; key: string; update: Uint8Array } {
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    this.entries.push([entry]);
    const update = this.#last!;
    return { frame: encodeFrame({ type: 'sync-update', update }), key: `${this.doc.clientID}:${clock}`, update };
  }

  /** Replaces every entry by one snapshot entry in one update (what the engine's compaction sends). */
  compact(snapshot: Uint8Array): { frame: Uint8Array; update: Uint8Array } {
    this.doc.transact(() => {
      this.entries.delete(0, this.entries.length);
      this.entries.push([snapshot]);
    });
    const update = this.#last!;
    return { frame: encodeFrame({ type: 'sync-update', update }), update };
  }
}

export interface EnvelopeFactory {
  docId: string;
  key: Uint8Array;
  signer: FastSigner;
}

/** A plausible chat entry: an inner update of `innerBytes` and a notification preview, sealed and signed. */
export function makeEnvelope(f: EnvelopeFactory, innerBytes: number, previewChars = 60): Uint8Array {
  return sealEnvelopeFast({
    docId: f.docId,
    epoch: 0,
    kind: 'update',
    plaintext: { update: new Uint8Array(randomBytes(innerBytes)), preview: 'p'.repeat(previewChars) },
    key: f.key,
    signer: f.signer,
    nonce: new Uint8Array(randomBytes(24)),
  });
}

// --- reading ---------------------------------------------------------------------------------------------------

/** What a recipient device does with an entry: find it in the update, verify its signature, decrypt it. */
export function createEntryOpener(options: { docId: string; key: Uint8Array; author: Uint8Array; verifier?: Verifier }) {
  const verifier = options.verifier ?? createVerifier(webCryptoBackend());
  return async (frame: Uint8Array): Promise<boolean> => {
    const checked = checkOuterUpdate(frameUpdate(frame));
    if (!checked.ok) return false;
    let all = true;
    for (const s of checked.structs) {
      if (!s.entry) continue;
      const opened = await openEnvelope(s.entry, { verifier, expectedDocId: options.docId, expectedAuthor: options.author, keyForEpoch: () => options.key });
      all &&= opened.ok;
    }
    return all;
  };
}

/** The byte length of a Buffer/ArrayBuffer message from `ws`, as a Uint8Array view. */
export function asBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  throw new Error('unexpected socket message type');
}
