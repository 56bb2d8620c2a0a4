// A small raw client of the document sync protocol, for tests against the real server: users with real
// identities, conversations with real key envelopes, sealed entries, and a socket that holds an outer Y.Doc,
// applies what the server sends, records every frame, and lets a test wait for events (never sleeps).
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { expect } from 'vitest';
import { createVerifier, generateIdentity, webCryptoBackend, type Identity } from '../../../lib/crypto';
import { ConversationView, StreamEvent, type KeyEnvelopeUpload } from '../../../lib/protocol/api-docs';
import { fromBase64url, toBase64url } from '../../../lib/protocol/base64url';
import { openEnvelope, sealEnvelope, type EntryKind } from '../../../lib/protocol/envelope';
import { openKeyEnvelope, sealKeyEnvelope } from '../../../lib/protocol/key-envelope';
import { decodeFrame, encodeFrame, type Frame } from '../../../lib/protocol/sync-frames';
import { checkOuterUpdate, OUTER_ENTRIES } from '../../../lib/protocol/yjs-update-scan';
import { call, codeOf } from './api';
import type { TestServer } from './server';
import { ticketFor, type Closed } from './socket';
import { makeUser, type TestUser } from './users';

type ServerLike = Pick<TestServer, 'url' | 'wsUrl' | 'origin'>;

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
export const verifier = createVerifier(webCryptoBackend());

// --- users and conversations -------------------------------------------------------------------------------

export interface SyncUser extends TestUser {
  id: string;
  identity: Identity;
}

/** A signed-up user whose public keys belong to a real identity (the auth keys stay random: no KDF here). */
export async function makeSyncUser(server: Pick<TestServer, 'url'>): Promise<SyncUser> {
  const identity = generateIdentity();
  const user = await makeUser(server, {
    signingPublicKey: toBase64url(identity.signing.publicKey),
    boxPublicKey: toBase64url(identity.box.publicKey),
  });
  return { ...user, id: user.grant.account.id, identity };
}

export const newDocId = (): string => toBase64url(random(16));
export const newEpochKey = (): Uint8Array => random(32);

/** One key envelope per recipient for `epoch`, sealed and signed by `sender`. */
export function keyEnvelopes(docId: string, epoch: number, key: Uint8Array, sender: SyncUser, recipients: SyncUser[]): KeyEnvelopeUpload[] {
  return recipients.map((r) => ({
    recipientId: r.id,
    envelope: toBase64url(
      sealKeyEnvelope({
        docId,
        epoch,
        key,
        recipient: { signingPublicKey: r.identity.signing.publicKey, boxPublicKey: r.identity.box.publicKey },
        sender: sender.identity.signing,
        random,
      }),
    ),
  }));
}

export interface Conversation {
  id: string;
  /** The creator's epoch keys (members read theirs from the API with epochKeysOf). */
  keys: Map<number, Uint8Array>;
  view: ConversationView;
}

/**
 * POST /api/conversations with an epoch-0 key envelope for every member, the creator included. Strangers get it
 * as a message request; unless `pending` is set, each of them accepts it here, so sync tests run between people
 * who consented (the request cap and request rules have their own tests in privacy-*.test.ts).
 */
export async function createConversation(
  server: Pick<TestServer, 'url'>,
  creator: SyncUser,
  others: SyncUser[],
  kind: 'direct' | 'group' = others.length === 1 ? 'direct' : 'group',
  options: { pending?: boolean } = {},
): Promise<Conversation> {
  const id = newDocId();
  const key = newEpochKey();
  const response = await call(server, 'POST', '/api/conversations', {
    token: creator.token,
    json: { id, kind, memberIds: others.map((o) => o.id), keyEnvelopes: keyEnvelopes(id, 0, key, creator, [creator, ...others]) },
  });
  expect(response.status, response.text).toBe(201);
  if (!options.pending) {
    for (const other of others) {
      const accepted = await call(server, 'POST', `/api/conversations/${id}/accept`, { token: other.token });
      expect(accepted.status, accepted.text).toBe(200);
    }
  }
  return { id, keys: new Map([[0, key]]), view: ConversationView.parse(response.body) };
}

/** Removes a member of a group and rotates to `epoch` in the same request; returns the new key. */
export async function removeMember(
  server: Pick<TestServer, 'url'>,
  by: SyncUser,
  docId: string,
  removed: SyncUser,
  remaining: SyncUser[],
  epoch: number,
): Promise<Uint8Array> {
  const key = newEpochKey();
  const response = await call(server, 'POST', `/api/conversations/${docId}/remove`, {
    token: by.token,
    json: { accountId: removed.id, rotation: { epoch, keyEnvelopes: keyEnvelopes(docId, epoch, key, by, remaining) } },
  });
  expect(response.status, response.text).toBe(200);
  return key;
}

/** Adds members to a group at its current epoch, handing them that epoch's key. */
export async function addMembers(server: Pick<TestServer, 'url'>, by: SyncUser, docId: string, epoch: number, key: Uint8Array, added: SyncUser[]): Promise<void> {
  const response = await call(server, 'POST', `/api/conversations/${docId}/members`, {
    token: by.token,
    json: { memberIds: added.map((a) => a.id), keyEnvelopes: keyEnvelopes(docId, epoch, key, by, added) },
  });
  expect(response.status, response.text).toBe(200);
}

/** What a member learns from the API: its key envelopes, each verified and opened with its own identity. */
export async function epochKeysOf(server: Pick<TestServer, 'url'>, user: SyncUser, docId: string): Promise<Map<number, Uint8Array>> {
  const response = await call(server, 'GET', `/api/conversations/${docId}`, { token: user.token });
  expect(response.status, codeOf(response) ?? response.text).toBe(200);
  const view = ConversationView.parse(response.body);
  const keys = new Map<number, Uint8Array>();
  for (const e of view.keyEnvelopes) {
    const sender = view.members.find((m) => m.accountId === e.senderId)?.signingPublicKey;
    const opened = await openKeyEnvelope(fromBase64url(e.envelope)!, {
      verifier,
      expectedDocId: docId,
      expectedEpoch: e.epoch,
      ...(sender ? { expectedSender: fromBase64url(sender)! } : {}),
      recipient: { signingPublicKey: user.identity.signing.publicKey, boxSecretKey: user.identity.box.secretKey },
    });
    if (!opened.ok) throw new Error(`key envelope for epoch ${e.epoch} does not open: ${opened.code}`);
    keys.set(e.epoch, opened.value.key);
  }
  return keys;
}

// --- entries -----------------------------------------------------------------------------------------------

export interface EntryInput {
  docId: string;
  epoch: number;
  key: Uint8Array;
  author: Identity;
  /** The message text: it goes into the inner Yjs update (a Y.Text named 'body'). */
  text: string;
  kind?: EntryKind;
  preview?: string;
}

/** Seals one envelope whose inner update carries `text`. */
export function sealEntry(input: EntryInput): Uint8Array {
  const inner = new Y.Doc();
  inner.getText('body').insert(0, input.text);
  const update = Y.encodeStateAsUpdate(inner);
  inner.destroy();
  return sealEnvelope({
    docId: input.docId,
    epoch: input.epoch,
    kind: input.kind ?? 'update',
    plaintext: { update, ...(input.preview === undefined ? {} : { preview: input.preview }) },
    key: input.key,
    author: input.author.signing,
    random,
  });
}

/** Verifies and decrypts an entry the way a member does; returns its text and preview. */
export async function openEntry(
  bytes: Uint8Array,
  docId: string,
  keys: Map<number, Uint8Array>,
): Promise<{ ok: true; text: string; preview?: string; author: Uint8Array; kind: EntryKind } | { ok: false; code: string }> {
  const opened = await openEnvelope(bytes, { verifier, expectedDocId: docId, keyForEpoch: (epoch) => keys.get(epoch) });
  if (!opened.ok) return opened;
  const inner = new Y.Doc();
  Y.applyUpdate(inner, opened.value.inner.update);
  const text = inner.getText('body').toString();
  inner.destroy();
  return {
    ok: true,
    text,
    ...(opened.value.inner.preview === undefined ? {} : { preview: opened.value.inner.preview }),
    author: opened.value.author,
    kind: opened.value.kind,
  };
}

/** An entry's identity on the wire: its signature (the last 64 bytes), as hex. */
export const entryId = (entry: Uint8Array): string => Buffer.from(entry.subarray(entry.length - 64)).toString('hex');

/** The new entries an outer update carries. */
export function entriesOfUpdate(update: Uint8Array): Uint8Array[] {
  const checked = checkOuterUpdate(update);
  if (!checked.ok) throw new Error(`an update from the server does not scan: ${checked.code}`);
  return checked.structs.flatMap((s) => (s.entry ? [s.entry] : []));
}

export function covers(stateVector: Map<number, number>, wanted: Map<number, number>): boolean {
  for (const [client, clock] of wanted) if ((stateVector.get(client) ?? 0) < clock) return false;
  return true;
}

// --- the socket --------------------------------------------------------------------------------------------

/** Marks updates that came from the server, so they are not sent back. */
const REMOTE = Symbol('remote');

export interface SyncClientOptions {
  /** Defaults to a new empty doc. */
  doc?: Y.Doc;
  /** Send our local doc changes as sync-update frames (default true). */
  autoSend?: boolean;
  /** Send sync step 1 on open and answer the server's step 1 (default true), as y-websocket does. */
  handshake?: boolean;
  /** Room path; defaults to /sync/<docId>. */
  path?: string;
  /** `?stream=`: the engine's stream name, as the engine sends it on its event stream and document sockets. */
  stream?: string;
}

export class SyncClient {
  readonly doc: Y.Doc;
  readonly entries: Y.Array<Uint8Array>;
  /** Every decoded binary frame from the server, in order. */
  readonly frames: Frame[] = [];
  /** Binary frames the protocol could not decode (should stay empty). */
  readonly undecodable: Uint8Array[] = [];
  /** Payloads of sync-update frames: what the server relayed from other sockets. */
  readonly relayed: Uint8Array[] = [];
  /** Payloads of sync-step2 frames. */
  readonly step2: Uint8Array[] = [];
  /** State vectors of `stored` frames. */
  readonly stored: Array<Map<number, number>> = [];
  /** Reasons of y-protocols auth "permission denied" frames. */
  readonly denied: string[] = [];
  /** Parsed JSON text frames (the event stream). */
  readonly events: StreamEvent[] = [];
  /** Outer updates this client sent (local changes). */
  readonly sent: Uint8Array[] = [];
  closed: Closed | null = null;
  opened = false;
  /** Set when the upgrade itself was refused. */
  refusedStatus: number | null = null;

  readonly #ws: WebSocket;
  readonly #waiters = new Set<() => void>();
  readonly #listeners: Array<(frame: Frame) => void> = [];
  readonly #autoSend: boolean;

  private constructor(ws: WebSocket, options: SyncClientOptions) {
    this.#ws = ws;
    this.doc = options.doc ?? new Y.Doc();
    this.entries = this.doc.getArray<Uint8Array>(OUTER_ENTRIES);
    this.#autoSend = options.autoSend ?? true;
    const handshake = options.handshake ?? true;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !this.#autoSend) return;
      this.sent.push(update);
      this.send({ type: 'sync-update', update });
    });
    // Listeners go on before 'open': the server speaks first (sync step 1) and nothing may be missed.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.events.push(StreamEvent.parse(JSON.parse(data.toString('utf8'))));
      } else {
        this.#onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), handshake);
      }
      this.#notify();
    });
    ws.on('open', () => {
      this.opened = true;
      if (handshake) this.send({ type: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) });
      this.#notify();
    });
    ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode ?? 0;
      res.resume();
      this.closed = { code: -1, reason: `http ${res.statusCode}` };
      this.#notify();
    });
    ws.on('error', () => {
      // The close that follows says what happened.
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.closed ??= { code, reason: reason.toString('utf8') };
      this.#notify();
    });
  }

  /** Opens `/sync/<docId>` (or `path`) with a fresh ticket for `user`; resolves once the socket is open or refused. */
  static async open(server: ServerLike, user: Pick<TestUser, 'token'>, docId: string, options: SyncClientOptions = {}): Promise<SyncClient> {
    const ticket = await ticketFor(server, user.token);
    const path = options.path ?? `/sync/${docId}`;
    const stream = options.stream === undefined ? '' : `&stream=${encodeURIComponent(options.stream)}`;
    const ws = new WebSocket(`${server.wsUrl}${path}?ticket=${encodeURIComponent(ticket)}${stream}`, {
      origin: server.origin,
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
    });
    const client = new SyncClient(ws, options);
    await client.waitFor('socket open or refused', () => client.opened || client.closed !== null, { failOnClose: false });
    return client;
  }

  /** Opens and waits until the first sync round is done: our step 1 answered, our step 2 stored. */
  static async synced(server: ServerLike, user: Pick<TestUser, 'token'>, docId: string, options: SyncClientOptions = {}): Promise<SyncClient> {
    const client = await SyncClient.open(server, user, docId, options);
    await client.waitFor('first sync round', () => client.step2.length > 0 && client.stored.length > 0);
    return client;
  }

  /** Opens the device's event stream and waits for its hello. */
  static async events(server: ServerLike, user: Pick<TestUser, 'token'>, stream?: string): Promise<SyncClient> {
    const named = stream === undefined ? {} : { stream };
    const client = await SyncClient.open(server, user, '', { path: '/sync/~events', handshake: false, autoSend: false, ...named });
    await client.waitFor('hello', () => client.events.length > 0);
    return client;
  }

  get ws(): WebSocket {
    return this.#ws;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  #onFrame(bytes: Uint8Array, handshake: boolean): void {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      this.undecodable.push(bytes.slice());
      return;
    }
    const frame = decoded.frame;
    this.frames.push(frame);
    switch (frame.type) {
      case 'sync-step1':
        if (handshake) this.send({ type: 'sync-step2', update: Y.encodeStateAsUpdate(this.doc, frame.stateVector) });
        break;
      case 'sync-step2':
        this.step2.push(frame.update);
        Y.applyUpdate(this.doc, frame.update, REMOTE);
        break;
      case 'sync-update':
        this.relayed.push(frame.update);
        Y.applyUpdate(this.doc, frame.update, REMOTE);
        break;
      case 'stored':
        this.stored.push(Y.decodeStateVector(frame.stateVector));
        break;
      case 'auth-denied':
        this.denied.push(frame.reason);
        break;
      case 'awareness':
      case 'query-awareness':
        break;
    }
    for (const listener of this.#listeners) listener(frame);
  }

  /** Calls `listener` after each decoded frame has been applied (e.g. to pace a writer on `stored`). */
  onFrame(listener: (frame: Frame) => void): void {
    this.#listeners.push(listener);
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  send(frame: Frame): void {
    this.sendRaw(encodeFrame(frame));
  }

  /** Sends frames in one write to the kernel, so the server reads them in one turn (and commits them in one batch). */
  sendTogether(frames: Frame[]): void {
    const socket = (this.#ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (const frame of frames) this.send(frame);
    socket.uncork();
  }

  sendRaw(bytes: Uint8Array | string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(bytes);
  }

  /** Appends entries to the outer array in one transaction (one update frame when autoSend is on). */
  append(...entries: Uint8Array[]): void {
    this.entries.push(entries);
  }

  /** The last `stored` state vector, or an empty one. */
  lastStored(): Map<number, number> {
    return this.stored[this.stored.length - 1] ?? new Map();
  }

  /** Entry ids (signatures) currently in the outer array. */
  entryIds(): string[] {
    return this.entries.toArray().map(entryId);
  }

  /** Entry ids of everything the server relayed to this socket. */
  relayedEntryIds(): string[] {
    return this.relayed.flatMap((u) => entriesOfUpdate(u).map(entryId));
  }

  /**
   * Resolves when `predicate` holds, checked now and after every frame, open and close. Rejects at the
   * deadline, and (unless failOnClose is false) as soon as the socket closes without the predicate holding.
   */
  waitFor(label: string, predicate: () => boolean, options: { timeoutMs?: number; failOnClose?: boolean } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const failOnClose = options.failOnClose ?? true;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        let holds: boolean;
        try {
          holds = predicate();
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (holds) {
          finish();
          resolve();
        } else if (failOnClose && this.closed) {
          finish();
          reject(new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${label}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for the close; resolves with its code and reason. */
  async waitClosed(timeoutMs = 10_000): Promise<Closed> {
    await this.waitFor('close', () => this.closed !== null, { timeoutMs, failOnClose: false });
    return this.closed!;
  }

  /** Waits until a `stored` frame covers everything this doc's client id wrote (every local entry is durable). */
  async waitStoredAll(timeoutMs?: number): Promise<void> {
    // Only our own client: what others wrote reached us relayed, i.e. already stored, and no `stored` names it.
    const wanted = new Map([[this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID)]]);
    await this.waitFor('stored covering our state', () => covers(this.lastStored(), wanted), timeoutMs === undefined ? {} : { timeoutMs });
  }

  /** Waits until the outer array holds every one of `ids`. */
  async waitForEntries(ids: Iterable<string>, timeoutMs?: number): Promise<void> {
    const wanted = [...ids];
    await this.waitFor(
      `${wanted.length} entries`,
      () => {
        const have = new Set(this.entryIds());
        return wanted.every((id) => have.has(id));
      },
      timeoutMs === undefined ? {} : { timeoutMs },
    );
  }

  close(): void {
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) this.#ws.close();
  }

  terminate(): void {
    this.#ws.terminate();
  }
}
