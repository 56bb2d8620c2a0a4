// One accepted sync socket: enforces the frame rate (size is ws's maxPayload) and hands frames to the
// service behind its room (a document's sync, or the device's event stream).
import type { WebSocket } from 'ws';
import { ERRORS } from '../../lib/protocol/errors';
import type { Clock } from '../clock';
import type { Limits } from '../limits/limits';
import { createTokenBucket } from '../limits/token-bucket';
import type { Logger } from '../log';
import type { HeldSocket, SocketRegistry } from './registry';

export interface FrameHandler {
  onFrame(data: Uint8Array): void;
  onClose(): void;
}

export function attachConnection(
  ws: WebSocket,
  held: HeldSocket,
  deps: { registry: SocketRegistry; clock: Clock; limits: Limits; log: Logger },
  handler?: FrameHandler,
): void {
  const frames = createTokenBucket(deps.limits.framesPerSocket, deps.clock);
  deps.registry.add(held);

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!frames.take().ok) {
      deps.registry.remove(held);
      ws.close(ERRORS['socket.rate_limited'].close, 'socket.rate_limited');
      return;
    }
    if (!handler) return;
    if (!isBinary) {
      deps.registry.remove(held);
      ws.close(ERRORS['socket.bad_frame'].close, 'socket.bad_frame');
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    handler.onFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  ws.on('pong', () => {
    held.alive = true;
  });
  ws.on('close', (code: number, reason: Buffer) => {
    // Who, where and why (a close reason is an error code, never content): what a failing sync test needs.
    deps.log.debug('socket closed', { accountId: held.accountId, room: held.room, code, reason: reason.toString('utf8').slice(0, 64) });
    deps.registry.remove(held);
    handler?.onClose();
  });
  // Oversize and malformed frames surface here; ws has already closed the socket (1009 / 1002).
  ws.on('error', (error) => deps.log.debug('socket error', { error: error.message }));
}
