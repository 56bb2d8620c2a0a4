// What an API route is: method, pattern, body schema, whether it needs a session, and a handler
// that returns a reply value (expected failures are values, not exceptions).
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ErrorCode } from '../../lib/protocol/errors';
import type { Auth } from '../auth/authenticate';
import type { Params } from '../http/router';

export interface ApiRequest<B> {
  body: B;
  params: Params;
  headers: IncomingHttpHeaders;
  /** The peer's address, used for rate limits (no proxy header is trusted). */
  address: string;
  reqId: string;
}

export type ApiReply =
  | { ok: true; status: number; body: unknown }
  | { ok: false; code: ErrorCode; retryAfterMs?: number };

type Awaitable<T> = T | Promise<T>;

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  pattern: string;
  /** null: the route takes no body (an empty one or `{}` is accepted). */
  body: z.ZodType | null;
  auth: boolean;
  /**
   * A larger body limit than the server's default, for the few requests that carry one key envelope per member of a
   * large community. Only session routes have one, and their session is checked before such a body is read.
   */
  bodyBytes?: number;
  handle(req: ApiRequest<unknown>, auth: Auth | null): Awaitable<ApiReply>;
}

export const reply = (status: number, body: unknown): ApiReply => ({ ok: true, status, body });
export const refuse = (code: ErrorCode, retryAfterMs?: number): ApiReply =>
  retryAfterMs === undefined ? { ok: false, code } : { ok: false, code, retryAfterMs };

/** A route anyone may call. */
export function publicRoute<S extends z.ZodType | null>(spec: {
  method: ApiRoute['method'];
  pattern: string;
  body: S;
  handle(req: ApiRequest<S extends z.ZodType ? z.output<S> : undefined>): Awaitable<ApiReply>;
}): ApiRoute {
  return { ...spec, auth: false, handle: (req) => spec.handle(req as never) };
}

/** A route that needs `Authorization: Bearer <token>` of a live session. */
export function sessionRoute<S extends z.ZodType | null>(spec: {
  method: ApiRoute['method'];
  pattern: string;
  body: S;
  bodyBytes?: number;
  handle(req: ApiRequest<S extends z.ZodType ? z.output<S> : undefined>, auth: Auth): Awaitable<ApiReply>;
}): ApiRoute {
  return {
    ...spec,
    auth: true,
    handle: (req, auth) => {
      if (auth === null) throw new Error('sessionRoute called without a session');
      return spec.handle(req as never, auth);
    },
  };
}
