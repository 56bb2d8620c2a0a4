// The live sync sockets of one server instance, by account, so signing out can close them.
import type { WebSocket } from 'ws';

export interface HeldSocket {
  ws: WebSocket;
  accountId: string;
  sessionId: string;
  /** The document room from `/sync/<room>`, or null for the bare `/sync` stream. */
  room: string | null;
  /** `?stream=`: the event stream of the engine behind this socket (its document sockets and its `~events`). */
  stream: string | null;
  /** Cleared on each heartbeat ping, set again by the pong. */
  alive: boolean;
}

export interface SocketRegistry {
  add(held: HeldSocket): void;
  remove(held: HeldSocket): void;
  countForAccount(accountId: string): number;
  closeAccount(accountId: string, code: number, reason: string): void;
  closeSession(accountId: string, sessionId: string, code: number, reason: string): void;
  closeAll(code: number, reason: string): void;
  all(): HeldSocket[];
}

export function createSocketRegistry(): SocketRegistry {
  const byAccount = new Map<string, Set<HeldSocket>>();

  const close = (held: HeldSocket, code: number, reason: string): void => {
    // Forget it now: a socket being closed must not be closed twice or counted against the cap.
    remove(held);
    held.ws.close(code, reason);
  };
  const remove = (held: HeldSocket): void => {
    const set = byAccount.get(held.accountId);
    if (set === undefined) return;
    set.delete(held);
    if (set.size === 0) byAccount.delete(held.accountId);
  };

  return {
    add(held) {
      let set = byAccount.get(held.accountId);
      if (set === undefined) {
        set = new Set();
        byAccount.set(held.accountId, set);
      }
      set.add(held);
    },
    remove,
    countForAccount: (accountId) => byAccount.get(accountId)?.size ?? 0,
    closeAccount(accountId, code, reason) {
      for (const held of [...(byAccount.get(accountId) ?? [])]) close(held, code, reason);
    },
    closeSession(accountId, sessionId, code, reason) {
      for (const held of [...(byAccount.get(accountId) ?? [])]) if (held.sessionId === sessionId) close(held, code, reason);
    },
    closeAll(code, reason) {
      for (const set of [...byAccount.values()]) for (const held of [...set]) close(held, code, reason);
    },
    all: () => [...byAccount.values()].flatMap((set) => [...set]),
  };
}
