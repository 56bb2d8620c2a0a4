// The WebSocket upgrade for `/sync` and `/sync/<room>`: origin allow-list (403), single-use ticket
// from the query string (401), per-account cap (429), all answered as HTTP before any upgrade.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { STREAM_PARAM, StreamName } from '../../lib/protocol/api-docs';
import { ERRORS, type ErrorCode } from '../../lib/protocol/errors';
import { hashPresentedToken } from '../auth/tokens';
import { writeRawError } from '../http/raw-response';
import { splitUrl } from '../http/url';
import type { Clock } from '../clock';
import type { TicketsRepo } from '../db/tickets-repo';
import type { Limits } from '../limits/limits';
import type { Logger } from '../log';
import { attachConnection, type FrameHandler } from './connection';
import type { HeldSocket, SocketRegistry } from './registry';

const ROOM = /^[A-Za-z0-9._:~-]{1,200}$/;

export interface UpgradeDeps {
  wss: WebSocketServer;
  tickets: TicketsRepo;
  registry: SocketRegistry;
  clock: Clock;
  limits: Limits;
  log: Logger;
  allowedOrigins(): ReadonlySet<string>;
  headers(): Record<string, string>;
  isClosing(): boolean;
  newRequestId(): string;
  /** The service behind a room: a handler, undefined for the bare `/sync` socket, null when it refused (and closed). */
  route(ws: import('ws').WebSocket, held: HeldSocket): FrameHandler | null | undefined;
}

export function createUpgradeHandler(deps: UpgradeDeps) {
  return function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const started = performance.now();
    const reqId = deps.newRequestId();
    // A peer that vanishes mid-handshake must not raise an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const done = (route: string, status: number): void =>
      deps.log.info('upgrade', { reqId, method: req.method, route, status, ms: Math.round(performance.now() - started) });
    const refuse = (route: string, code: ErrorCode): void => {
      writeRawError(socket, code, deps.headers());
      done(route, ERRORS[code].status);
    };

    try {
      const { pathname, search } = splitUrl(req.url ?? '/');
      const room = roomOf(pathname);
      if (room === undefined) return refuse('(unmatched)', 'route.not_found');
      const route = room === null ? '/sync' : '/sync/:room';
      if (deps.isClosing()) return refuse(route, 'server.shutting_down');
      const origin = req.headers.origin;
      if (origin === undefined || !deps.allowedOrigins().has(origin)) return refuse(route, 'socket.origin_forbidden');

      const query = new URLSearchParams(search);
      const ticket = query.get('ticket');
      const hash = ticket === null ? null : hashPresentedToken(ticket);
      const owner = hash === null ? null : deps.tickets.consume(hash, deps.clock.now());
      if (owner === null) return refuse(route, 'auth.ticket_invalid');
      // From here on the socket belongs to a live session of owner.accountId.
      if (deps.registry.countForAccount(owner.accountId) >= deps.limits.socketsPerAccount) {
        return refuse(route, 'socket.rate_limited');
      }

      // Optional, and only ever about this account's own streams: a malformed name is no name.
      const named = StreamName.safeParse(query.get(STREAM_PARAM));
      const stream = named.success ? named.data : null;

      deps.wss.handleUpgrade(req, socket, head, (ws) => {
        const held: HeldSocket = { ws, accountId: owner.accountId, sessionId: owner.sessionId, room, stream, alive: true };
        const handler = deps.route(ws, held);
        done(route, 101);
        if (handler === null) return;
        attachConnection(ws, held, { registry: deps.registry, clock: deps.clock, limits: deps.limits, log: deps.log.child({ reqId }) }, handler);
      });
    } catch (error) {
      deps.log.error('upgrade failed', { reqId, error });
      refuse('(error)', 'internal');
    }
  };
}

/** undefined: not a sync path; null: `/sync`; otherwise the room name. */
function roomOf(pathname: string): string | null | undefined {
  if (pathname === '/sync' || pathname === '/sync/') return null;
  if (!pathname.startsWith('/sync/')) return undefined;
  let room: string;
  try {
    room = decodeURIComponent(pathname.slice('/sync/'.length));
  } catch {
    // A malformed %-escape names no room.
    return undefined;
  }
  return ROOM.test(room) ? room : undefined;
}
