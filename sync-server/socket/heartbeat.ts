// Pings every held socket; one that missed the previous pong is dead and gets cut.
import type { SocketRegistry } from './registry';

export function startHeartbeat(registry: SocketRegistry, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const held of registry.all()) {
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
