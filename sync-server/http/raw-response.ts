// An HTTP answer written straight to a socket, for the places with no ServerResponse: refused
// socket upgrades and requests Node could not parse. It still carries the security headers.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, errorBody, type ErrorCode } from '../../lib/protocol/errors';

export function writeRawError(socket: Duplex, code: ErrorCode, headers: Record<string, string>): void {
  const { status } = ERRORS[code];
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(code));
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // As ws does: end our side, then drop the socket once the answer is flushed.
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
