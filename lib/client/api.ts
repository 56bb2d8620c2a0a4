// A small typed fetch client for the sync server's HTTP API. Every response body is parsed with the
// schemas of lib/protocol/api.ts; every failure comes back as a value with a code.
import { z } from 'zod';
import {
  Account,
  ChangePassphraseRequest,
  HealthResponse,
  KdfResponse,
  OkResponse,
  PublicProfile,
  RecoverySignInRequest,
  SessionGrant,
  SessionList,
  SignInRequest,
  SignUpRequest,
  TicketResponse,
  UpdateProfileRequest,
} from '../protocol/api';
import { BlockList, BlockView, DeleteAccountRequest, MetadataExport, PrivacySettings, UpdatePrivacyRequest, UserSummary } from '../protocol/api-privacy';
import { fail, isErrorCode, ok } from '../protocol/errors';
import { SIGNED_OUT_CODES, type ClientErrorCode, type ClientResult } from './client-errors';

export interface ApiOptions {
  /** '' for same origin (the PWA is served by the sync server), or an absolute origin. */
  baseUrl: string;
  fetch: typeof fetch;
  /** The current session token, or null when signed out. Read per request so sign-in needs no rebuild. */
  getToken: () => string | null;
  /** Every request reports whether the server was reachable: the app's `Offline` status listens. */
  onReachability?: (reachable: boolean) => void;
  /**
   * An authenticated request was refused because the session ended (revoked, expired). Awaited, so
   * the caller sees the failure only after the device has dealt with it (wiped itself).
   */
  onSessionEnded?: (code: ClientErrorCode) => void | Promise<void>;
  timeoutMs?: number;
}

export type Api = ReturnType<typeof createApi>;

const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export function createApi(options: ApiOptions) {
  const timeoutMs = options.timeoutMs ?? 20_000;

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    auth: boolean | { token: string } = true,
  ): Promise<ClientResult<z.infer<S>>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = typeof auth === 'object' ? auth.token : auth ? options.getToken() : null;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await options.fetch(`${options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      // fetch rejects only when no response arrived (offline, refused, aborted by the timeout).
      options.onReachability?.(false);
      return fail('network.offline');
    }
    options.onReachability?.(true);

    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = undefined;
    }

    if (response.ok) {
      const parsed = schema.safeParse(json);
      return parsed.success ? ok(parsed.data) : fail('response.invalid');
    }
    const code = errorCodeOf(response.status, json);
    if (auth === true && token !== null && SIGNED_OUT_CODES.has(code)) await options.onSessionEnded?.(code);
    return fail(code);
  }

  const segment = encodeURIComponent;

  return {
    /** The typed call itself, for the engine's conversation endpoints (lib/client/engine/docs-api.ts). */
    request: call,
    health: () => call('GET', '/api/health', HealthResponse, undefined, false),
    kdf: (handle: string) => call('POST', '/api/auth/kdf', KdfResponse, { handle }, false),
    signUp: (request: SignUpRequest) => call('POST', '/api/accounts', SessionGrant, request, false),
    signIn: (request: z.infer<typeof SignInRequest>) => call('POST', '/api/sessions', SessionGrant, request, false),
    signInWithRecovery: (request: z.infer<typeof RecoverySignInRequest>) =>
      call('POST', '/api/sessions/recovery', SessionGrant, request, false),
    listSessions: () => call('GET', '/api/sessions', SessionList),
    revokeSession: (sessionId: string) => call('DELETE', `/api/sessions/${segment(sessionId)}`, OkResponse),
    /** `token` signs out a session the device has not adopted (a grant whose backup did not open). */
    signOutCurrent: (token?: string) =>
      call('DELETE', '/api/sessions/current', OkResponse, undefined, token === undefined ? true : { token }),
    revokeAllSessions: () => call('POST', '/api/sessions/revoke-all', OkResponse),
    getAccount: () => call('GET', '/api/account', Account),
    updateProfile: (request: z.infer<typeof UpdateProfileRequest>) => call('PATCH', '/api/account', Account, request),
    changePassphrase: (request: z.infer<typeof ChangePassphraseRequest>) =>
      call('POST', '/api/account/passphrase', OkResponse, request),
    getUser: (handle: string) => call('GET', `/api/users/${segment(handle)}`, PublicProfile),
    createTicket: () => call('POST', '/api/tickets', TicketResponse),
    getPrivacy: () => call('GET', '/api/privacy', PrivacySettings),
    updatePrivacy: (request: z.infer<typeof UpdatePrivacyRequest>) => call('PUT', '/api/privacy', PrivacySettings, request),
    listBlocks: () => call('GET', '/api/blocks', BlockList),
    block: (accountId: string) => call('POST', `/api/blocks/${segment(accountId)}`, BlockView),
    unblock: (accountId: string) => call('DELETE', `/api/blocks/${segment(accountId)}`, OkResponse),
    userById: (accountId: string) => call('GET', `/api/users/by-id/${segment(accountId)}`, UserSummary),
    exportMetadata: () => call('GET', '/api/account/export-metadata', MetadataExport),
    /** The passphrase auth key proves it is the person; the server erases the account and closes its sockets. */
    deleteAccount: (request: DeleteAccountRequest) => call('DELETE', '/api/account', OkResponse, request),
  };
}

/** The registry code of an error body; a body we cannot read still maps to a code by status. */
export function errorCodeOf(status: number, json: unknown): ClientErrorCode {
  const parsed = ErrorResponse.safeParse(json);
  if (parsed.success && isErrorCode(parsed.data.error.code)) return parsed.data.error.code;
  if (status >= 500) return 'internal';
  return 'response.invalid';
}
