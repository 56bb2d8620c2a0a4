// Opens real sync sockets against a test server and waits on their events.
import { WebSocket } from 'ws';
import { TicketResponse } from '../../../lib/protocol/api';
import { call } from './api';
import type { TestServer } from './server';

export type SocketAttempt =
  | { ok: true; ws: WebSocket }
  | { ok: false; status: number; body: any; headers: Record<string, string | string[] | undefined> };

export async function ticketFor(server: Pick<TestServer, 'url'>, token: string): Promise<string> {
  const response = await call(server, 'POST', '/api/tickets', { token });
  if (response.status !== 200) throw new Error(`ticket request failed: ${response.status} ${response.text}`);
  return TicketResponse.parse(response.body).ticket;
}

export interface OpenOptions {
  ticket?: string;
  path?: string;
  /** Defaults to the server's own origin; null sends no Origin header. */
  origin?: string | null;
  maxPayload?: number;
}

/** Resolves when the upgrade succeeds or is refused (with the HTTP status and JSON body). */
export function openSocket(server: Pick<TestServer, 'wsUrl' | 'origin'>, options: OpenOptions = {}): Promise<SocketAttempt> {
  const query = options.ticket === undefined ? '' : `?ticket=${encodeURIComponent(options.ticket)}`;
  const origin = options.origin === undefined ? server.origin : options.origin;
  const ws = new WebSocket(`${server.wsUrl}${options.path ?? '/sync'}${query}`, {
    ...(origin === null ? {} : { origin }),
    perMessageDeflate: false,
    maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        resolve({ ok: false, status: res.statusCode ?? 0, body, headers: res.headers });
      });
      res.on('error', reject);
    });
    ws.once('error', reject);
  });
}

/** Opens a socket with a fresh ticket for `token`; fails the test if refused. */
export async function connect(server: Pick<TestServer, 'url' | 'wsUrl' | 'origin'>, token: string, path = '/sync'): Promise<WebSocket> {
  const attempt = await openSocket(server, { ticket: await ticketFor(server, token), path });
  if (!attempt.ok) throw new Error(`socket refused: ${attempt.status} ${JSON.stringify(attempt.body)}`);
  return attempt.ws;
}

export interface Closed {
  code: number;
  reason: string;
}

export function waitForClose(ws: WebSocket): Promise<Closed> {
  if (ws.readyState === WebSocket.CLOSED) throw new Error('socket already closed; attach waitForClose earlier');
  return new Promise((resolve) => {
    // A socket cut by the server may also emit 'error' first; the close still follows.
    ws.on('error', () => {});
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
  });
}
