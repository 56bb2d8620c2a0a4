// Calls the real server over HTTP, returning status, headers and the parsed JSON (or text).
import type { TestServer } from './server';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: any;
  text: string;
}

export interface CallOptions {
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as-is (set the content type yourself in headers). */
  raw?: string | Uint8Array;
  token?: string;
  headers?: Record<string, string>;
}

export async function call(server: Pick<TestServer, 'url'>, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetchOnce(server.url + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Static pages and plain-text answers are not JSON; `text` still has them.
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The error code of a JSON error answer, or undefined. */
export function codeOf(response: ApiResponse): string | undefined {
  return response.body?.error?.code;
}

/**
 * fetch, retried once when a kept-alive connection turned out closed by the server (undici reports
 * UND_ERR_SOCKET before any response). Browsers retry such a request themselves; under CI load the
 * server's idle timeout and the client's reuse can cross.
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    return fetch(url, init);
  }
}
