// Accounts, rooms and their sockets for the socket benchmarks, seeded straight into the server's tables
// (the same rows the HTTP API writes), so setting up a thousand members takes a second, not a minute.
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { toBase64url } from '../../lib/protocol/base64url';
import { fastIdentity } from './fast-keys';
import { openMany } from './lean-client';
import type { SeedAccount } from './server-protocol';
import type { BenchServer } from './server-process';

export type ServerKind = 'ours' | 'stock';

export interface Member {
  accountId: string;
  identity: ReturnType<typeof fastIdentity>;
  /** Its engine's stream name, on its event stream and its document sockets (as the engine sends it). */
  stream: string;
}

export const newDocId = (): string => toBase64url(new Uint8Array(randomBytes(16)));

export function makeMembers(count: number): Member[] {
  return Array.from({ length: count }, () => ({
    accountId: toBase64url(new Uint8Array(randomBytes(16))),
    identity: fastIdentity(),
    stream: toBase64url(new Uint8Array(randomBytes(12))),
  }));
}

export function seedAccounts(members: Member[]): SeedAccount[] {
  return members.map((m) => ({
    id: m.accountId,
    handle: `b_${m.accountId.toLowerCase().replace(/[^a-z0-9]/g, 'x')}_${randomBytes(3).toString('hex')}`,
    signingPublicKey: toBase64url(m.identity.signing.publicKey),
    boxPublicKey: toBase64url(m.identity.box.publicKey),
  }));
}

/** Opens one socket per (member, document): our server with a fresh single-use ticket each, the stock relay bare. */
export async function connectSockets(server: BenchServer, kind: ServerKind, pairs: Array<{ member: Member; docId: string }>, concurrency = 64): Promise<WebSocket[]> {
  let urls: string[];
  if (kind === 'ours') {
    const tickets = await server.tickets(pairs.map((p) => p.member.accountId));
    urls = pairs.map((p, i) => `${server.wsUrl}/sync/${p.docId}?ticket=${encodeURIComponent(tickets[i]!)}&stream=${p.member.stream}`);
  } else {
    urls = pairs.map((p) => `${server.wsUrl}/${p.docId}`);
  }
  return openMany(urls, server.origin, concurrency);
}

/**
 * Each device also holds its event stream (`/sync/~events`), as the engine does: the server sends `changed` to it
 * on every commit of a document the device does not have open on a socket. The bench stops reading them (the kernel's socket buffers take the few bytes a run produces), so
 * the server does all of that work while the one load-generating process does not parse a thousand devices' events.
 */
export async function connectEventStreams(server: BenchServer, members: Member[], concurrency = 64): Promise<WebSocket[]> {
  const tickets = await server.tickets(members.map((m) => m.accountId));
  const sockets = await openMany(
    tickets.map((t, i) => `${server.wsUrl}/sync/~events?ticket=${encodeURIComponent(t)}&stream=${members[i]!.stream}`),
    server.origin,
    concurrency,
  );
  for (const ws of sockets) ws.pause();
  return sockets;
}
