// Runs one /api request: route match, body (capped, JSON, parsed by the route's schema), session,
// handler, and the JSON answer. Every failure is an {error:{code,message}} from the registry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ErrorCode } from '../../lib/protocol/errors';
import { authenticate } from '../auth/authenticate';
import { readJsonBody } from '../http/body';
import { parse } from '../http/parse';
import { sendError, sendJson } from '../http/respond';
import { createRouter } from '../http/router';
import type { ApiDeps } from './deps';
import type { ApiReply, ApiRoute } from './route';

/** A body-less route still accepts an explicit `{}`. */
const EmptyBody = z.strictObject({});
const WITH_BODY = new Set(['POST', 'PATCH', 'PUT']);

export function createApiDispatcher(routes: ApiRoute[], deps: ApiDeps) {
  const router = createRouter<ApiRoute>();
  for (const route of routes) router.add(route.method, route.pattern, route);

  /** `onRoute` learns the matched pattern first, so even a request that throws is logged by route. */
  return async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    reqId: string,
    onRoute: (pattern: string) => void,
  ): Promise<void> {
    const fail = (code: ErrorCode, headers: Record<string, string> = {}): void => sendError(res, code, headers);

    const match = router.match(req.method ?? 'GET', pathname);
    if (match.kind === 'not_found') {
      onRoute('(unmatched)');
      return fail('route.not_found');
    }
    if (match.kind === 'method_not_allowed') {
      onRoute(match.pattern);
      return fail('route.method_not_allowed', { Allow: match.allow.join(', ') });
    }
    const { handler: route, params } = match;
    onRoute(match.pattern);

    // A route with a larger body limit answers a missing or dead session before reading what may be a big body.
    const early = route.bodyBytes !== undefined && route.auth;
    let auth = early ? authenticate(req.headers.authorization, { ...deps.repos, clock: deps.clock, limits: deps.limits }) : null;
    if (auth !== null && !auth.ok) return fail(auth.code, { Connection: 'close' });

    let input: unknown;
    // A DELETE reads a body only where the route asks for one (DELETE /api/account carries the auth key).
    if (WITH_BODY.has(route.method) || route.body !== null) {
      const read = await readJsonBody(req, route.bodyBytes ?? deps.limits.bodyBytes);
      // The rest of an oversize body is never read: close the connection after answering.
      if (!read.ok) return fail(read.code, read.code === 'request.too_large' ? { Connection: 'close' } : {});
      input = read.value;
    }

    if (!early && route.auth) auth = authenticate(req.headers.authorization, { ...deps.repos, clock: deps.clock, limits: deps.limits });
    if (auth !== null && !auth.ok) return fail(auth.code);

    let body: unknown;
    if (route.body !== null) {
      const parsed = parse(route.body, input);
      if (!parsed.ok) return fail(input === undefined ? 'request.malformed_json' : parsed.code);
      body = parsed.value;
    } else if (input !== undefined) {
      const parsed = parse(EmptyBody, input);
      if (!parsed.ok) return fail(parsed.code);
    }

    const address = req.socket.remoteAddress ?? 'unknown';
    const result: ApiReply = await route.handle({ body, params, headers: req.headers, address, reqId }, auth?.value ?? null);
    if (!result.ok) {
      const headers: Record<string, string> = {};
      if (result.retryAfterMs !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
      return fail(result.code, headers);
    }
    sendJson(res, result.status, result.body);
  };
}
