// Wires one sync server: HTTP API, static export and sync sockets on one node:http server.
// Everything it holds lives in this closure, so two servers can run in one process.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { toBase64url } from '../lib/protocol/base64url';
import { ERRORS } from '../lib/protocol/errors';
import { createApiDispatcher } from './api/dispatch';
import type { ApiDeps } from './api/deps';
import { apiRoutes } from './api/routes';
import { FAKE_KDF_SECRET } from './auth/fake-kdf';
import { makeVerifier } from './auth/verifier';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Database } from './db/open';
import { createRepos, type Repos } from './db/repos';
import { inlineScriptHashes } from './http/inline-script-hashes';
import { writeRawError } from './http/raw-response';
import { sendError } from './http/respond';
import { securityHeaders } from './http/security-headers';
import { createStaticSite } from './http/static';
import { splitUrl } from './http/url';
import { createKeyedRateLimiter } from './limits/keyed-rate-limiter';
import { DEFAULT_LIMITS, type Limits } from './limits/limits';
import type { Logger } from './log';
import { nodeRandom, type RandomBytes } from './random';
import { startHeartbeat } from './socket/heartbeat';
import { createSocketRegistry } from './socket/registry';
import { createUpgradeHandler } from './socket/upgrade';
import { createVerifier } from '../lib/crypto';
import { nodeEd25519Backend } from './crypto/node-ed25519';
import { createAccessChanges } from './db/access-changes';
import { createDocStore } from './db/doc-store-repo';
import { EventStreams } from './sync/event-streams';
import { createRoomRouter } from './sync/socket-rooms';
import type { DocAccess } from './sync/doc-store';
import { SyncService } from './sync/sync-service';
import { createEntryVerifier } from './sync/verify-entry';

/** What the sync rooms read about a document from the tables: a community's thread answers to its community. */
export function docAccess(repos: Repos): DocAccess {
  const governing = (docId: string): string => repos.communities.membershipDocOf(docId);
  return {
    governing,
    currentEpoch: (docId) => (repos.documents.currentEpoch(docId) === undefined ? undefined : repos.documents.currentEpoch(governing(docId))),
    isMember: (docId, accountId) => repos.documents.isMember(governing(docId), accountId),
    memberIds: (docId) => repos.documents.memberIds(governing(docId)),
    signingKey: (accountId) => repos.accounts.signingKey(accountId),
  };
}

export interface SyncServerOptions {
  db: Database;
  config: Config;
  clock: Clock;
  log: Logger;
  random?: RandomBytes;
  limits?: Partial<Limits>;
  version?: string;
}

export interface SyncServer {
  httpServer: ReturnType<typeof createServer>;
  /** Resolves with the bound port (useful with PORT=0). */
  listen(): Promise<number>;
  /** Graceful: sockets get 1012, no new work is accepted, in-flight requests finish. The caller closes the db. */
  close(): Promise<void>;
  /** The origin browsers use, e.g. http://localhost:3000 (known after listen). */
  publicOrigin(): string;
}

export function createSyncServer(options: SyncServerOptions): SyncServer {
  const { db, config, clock, log } = options;
  const random = options.random ?? nodeRandom;
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  // Repository writes that change who may do what in a document reach the sync rooms' caches through this.
  const accessChanges = createAccessChanges();
  const repos = createRepos(db, accessChanges);
  const registry = createSocketRegistry();
  const site = createStaticSite(config.staticDir);
  const scriptHashes = inlineScriptHashes(config.staticDir);

  // Off the event loop: signatures are checked on libuv's thread pool while the loop relays and commits.
  const ed25519 = nodeEd25519Backend();
  const signatures = createVerifier({ verify: (message, signature, publicKey) => ed25519.verifyOffThread(message, signature, publicKey) });
  // A community's thread has no members of its own: its community's members and epochs govern it.
  const events = new EventStreams({
    seqsFor: (accountId) => [...repos.documents.seqsFor(accountId), ...repos.communities.threadSeqsFor(accountId)],
  });
  const sync = new SyncService({
    store: createDocStore(db, () => clock.now()),
    access: docAccess(repos),
    verifyEntry: createEntryVerifier(signatures),
    consent: {
      writePolicy: (docId, accountId) => repos.privacy.writePolicy(docId, accountId),
      clientIdsOf: (docId, accountId) => repos.privacy.clientIdsOf(docId, accountId),
      awarenessHiddenFrom: (docId, accountId) => repos.privacy.awarenessHiddenFrom(docId, accountId),
      requestEntryCap: limits.requestEntryCap,
    },
    events,
    onRefused: (docId, accountId, code) => log.info('sync refused', { docId, accountId, code }),
    onError: (error, docId) => log.error('sync failed', { docId, error }),
  });
  accessChanges.listen(sync);

  const deps: ApiDeps = {
    repos,
    sync,
    events,
    signatures,
    clock,
    random,
    limits,
    log,
    sockets: registry,
    version: options.version ?? '0.0.0',
    startedAt: clock.now(),
    fakeKdfSecret: repos.secrets.getOrCreate(FAKE_KDF_SECRET, () => random(32), clock.now()),
    dummyVerifier: makeVerifier(random(32), random),
    rateLimits: {
      signInPerHandle: createKeyedRateLimiter(limits.signInPerHandle, clock),
      signInPerAddress: createKeyedRateLimiter(limits.signInPerAddress, clock),
      signUpPerAddress: createKeyedRateLimiter(limits.signUpPerAddress, clock),
    },
  };
  const dispatch = createApiDispatcher(apiRoutes(deps), deps);

  // Filled in by listen(), when the port is known.
  let origin = config.publicUrl ?? `http://localhost:${config.port}`;
  let allowedOrigins: ReadonlySet<string> = new Set();
  let headers: Record<string, string> = {};
  const computeOrigins = (port: number): void => {
    origin = config.publicUrl ?? `http://localhost:${port}`;
    allowedOrigins = new Set([
      origin,
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      `http://[::1]:${port}`,
      ...config.allowedOrigins,
    ]);
    headers = securityHeaders({
      scriptHashes,
      socketOrigins: [origin.replace(/^http/, 'ws')],
      https: origin.startsWith('https:'),
    });
  };
  computeOrigins(config.port);

  let closing = false;
  const newRequestId = (): string => toBase64url(random(9));

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const reqId = newRequestId();
    let route = '(static)';
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('X-Request-Id', reqId);
    res.on('finish', () => {
      log.info('request', { reqId, method: req.method, route, status: res.statusCode, ms: Math.round(performance.now() - started) });
      if (closing) httpServer.closeIdleConnections();
    });

    try {
      const { pathname, search } = splitUrl(req.url ?? '/');
      const isApi = pathname === '/api' || pathname.startsWith('/api/');
      if (isApi) res.setHeader('Cache-Control', 'no-store');
      if (closing) {
        route = '(closing)';
        sendError(res, 'server.shutting_down', { Connection: 'close', 'Retry-After': '1' });
        return;
      }
      if (!pathname.startsWith('/') || pathname.startsWith('//')) {
        route = '(unmatched)';
        sendError(res, 'route.not_found');
        return;
      }
      if (isApi) {
        await dispatch(req, res, pathname, reqId, (pattern) => {
          route = pattern;
        });
        return;
      }
      site.serve(req, res, pathname, search);
    } catch (error) {
      // Nothing internal leaks: the caller sees `internal`, we get one line with the request id.
      log.error('request failed', { reqId, route, error });
      if (!res.headersSent) {
        res.setHeader('Cache-Control', 'no-store');
        sendError(res, 'internal');
      } else {
        res.destroy();
      }
    }
  };

  const httpServer = createServer({ requestTimeout: 30_000, headersTimeout: 20_000 }, (req, res) => {
    void handleRequest(req, res);
  });
  // Longer than clients keep idle connections (browsers, undici: a few seconds), so it is always the client
  // that closes an idle connection and never the server under a request that is already on its way.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const code = error.code ?? '';
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (code === 'HPE_HEADER_OVERFLOW') writeRawError(socket, 'request.headers_too_large', headers);
    else if (code === 'ERR_HTTP_REQUEST_TIMEOUT') writeRawError(socket, 'request.timeout', headers);
    else writeRawError(socket, 'request.invalid', headers);
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.frameBytes,
    perMessageDeflate: false,
  });
  httpServer.on(
    'upgrade',
    createUpgradeHandler({
      wss,
      tickets: repos.tickets,
      registry,
      clock,
      limits,
      log,
      allowedOrigins: () => allowedOrigins,
      headers: () => headers,
      isClosing: () => closing,
      newRequestId,
      route: createRoomRouter({ sync, events, registry }),
    }),
  );
  let stopHeartbeat = (): void => {};

  return {
    httpServer,
    publicOrigin: () => origin,
    listen() {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const port = (httpServer.address() as AddressInfo).port;
          computeOrigins(port);
          stopHeartbeat = startHeartbeat(registry, limits.heartbeatMs, (sessionId) => {
            const session = repos.sessions.findById(sessionId);
            if (session === undefined || session.revokedAt !== null) return { code: ERRORS['auth.session_revoked'].close, reason: 'auth.session_revoked' };
            if (session.expiresAt <= clock.now()) return { code: ERRORS['auth.session_expired'].close, reason: 'auth.session_expired' };
            return null;
          });
          resolve(port);
        });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      stopHeartbeat();
      const sockets = registry.all().map((held) => held.ws);
      // Whatever was accepted is committed before the sockets go.
      sync.flush();
      registry.closeAll(ERRORS['server.shutting_down'].close, 'server.shutting_down');
      const stopped = new Promise<void>((resolve) => {
        if (!httpServer.listening) return resolve();
        httpServer.close(() => resolve());
      });
      httpServer.closeIdleConnections();
      // Whatever has not finished within the grace period is cut, so shutdown always ends.
      const cut = setTimeout(() => {
        for (const ws of sockets) ws.terminate();
        httpServer.closeAllConnections();
      }, limits.shutdownGraceMs);
      cut.unref();
      await stopped;
      clearTimeout(cut);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
