// Routes an accepted socket to what its room names: `~events` is the device's event stream, a document id
// is that document's sync room. Refusals close with a named code; nothing is created for them.
import type { WebSocket } from 'ws';
import { DocId, EVENTS_ROOM } from '../../lib/protocol/api-docs';
import { ERRORS } from '../../lib/protocol/errors';
import { encodeFrame } from '../../lib/protocol/sync-frames';
import type { FrameHandler } from '../socket/connection';
import type { HeldSocket, SocketRegistry } from '../socket/registry';
import type { EventStreams, StreamPeer } from './event-streams';
import type { SyncPeer } from './room';
import type { SyncService } from './sync-service';

/** A reader that stops reading still cannot make the server buffer without bound. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export function createRoomRouter(deps: { sync: SyncService; events: EventStreams; registry: SocketRegistry }) {
  return function route(ws: WebSocket, held: HeldSocket): FrameHandler | null | undefined {
    if (held.room === null) return undefined;
    const peer: SyncPeer & StreamPeer = {
      accountId: held.accountId,
      stream: held.stream,
      send(frame) {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          deps.registry.remove(held);
          ws.terminate();
          return;
        }
        ws.send(frame);
      },
      sendText(text) {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close(code, reason) {
        deps.registry.remove(held);
        ws.close(code, reason);
      },
    };
    if (held.room === EVENTS_ROOM) {
      deps.events.open(peer);
      return { onFrame: () => {}, onClose: () => deps.events.close(peer) };
    }
    const joined = DocId.safeParse(held.room).success ? deps.sync.join(held.room, peer) : ({ ok: false, code: 'doc.not_member' } as const);
    if (!joined.ok) {
      // Unknown and not-yours look the same: a non-member learns nothing, not even that it exists.
      peer.send(encodeFrame({ type: 'auth-denied', reason: joined.code }));
      ws.close(ERRORS[joined.code].close, joined.code);
      return null;
    }
    return { onFrame: (data) => deps.sync.receive(peer, data), onClose: () => deps.sync.leave(peer) };
  };
}
