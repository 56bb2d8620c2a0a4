// Pings every held socket; one that missed the previous pong is dead and gets cut. The same round closes the sockets
// of a session that expired (or was revoked) since the socket opened: a ticket admits a socket once, the session
// behind it must still be live for it to stay.
import type { SocketRegistry } from './registry';

/** Why a session no longer admits its sockets (an error code with its close code), or null while it is live. */
export type SessionCheck = (sessionId: string) => { code: number; reason: string } | null;

export function startHeartbeat(registry: SocketRegistry, intervalMs: number, sessionEnded: SessionCheck = () => null): () => void {
  const timer = setInterval(() => {
    // Many sockets share a session: it is looked up once per round.
    const ended = new Map<string, { code: number; reason: string } | null>();
    for (const held of registry.all()) {
      // The session first: a socket whose session ended is told why, even if its last pong is late.
      let why = ended.get(held.sessionId);
      if (why === undefined) ended.set(held.sessionId, (why = sessionEnded(held.sessionId)));
      if (why !== null) {
        registry.remove(held);
        held.ws.close(why.code, why.reason);
        continue;
      }
      if (!held.alive) {
        registry.remove(held);
        held.ws.terminate();
        continue;
      }
      held.alive = false;
      held.ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
