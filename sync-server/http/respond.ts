// Writing JSON answers and the one error shape: {"error":{"code","message"}} with the registry's status.
import type { ServerResponse } from 'node:http';
import { ERRORS, errorBody, type ErrorCode } from '../../lib/protocol/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // JSON answers are per-user data or errors: never cache them anywhere.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, headers: Record<string, string> = {}): void {
  sendJson(res, ERRORS[code].status, errorBody(code), headers);
}
