// Runs the local-first engine of the signed-in device: made when a session begins (or is found on the
// device), stopped before the device is wiped. Screens reach it as a `DeviceEngine` through the client.
import type { Identity } from '../crypto';
import type { Account, PublicProfile } from '../protocol/api';
import type { Result } from '../protocol/errors';
import type { ClientErrorCode, ClientResult } from './client-errors';
import type { Communities } from './engine/communities';
import type { CommunityDiscovery } from './engine/community-discovery';
import type { Conversations } from './engine/conversations';
import type { Request } from './engine/docs-api';
import type { Engine, OpenConversation } from './engine/engine';
import type { OpenThread } from './engine/open-thread';
import { startConversation, type StartFailure } from './start-conversation';

export interface EngineFactoryInput {
  identity: Identity;
  account: Account;
  request: Request;
  /** A socket was closed because the session ended; `reason` is the server's code (`account.deleted`). */
  onSignedOut(reason: string): void;
}

/** Makes an engine with the runtime's adapters (IndexedDB, WebCrypto, WebSocket); see browser-client.ts. */
export type EngineFactory = (input: EngineFactoryInput) => Promise<Engine>;

/** The engine as screens see it. */
export interface DeviceEngine {
  readonly accountId: string;
  readonly conversations: Conversations;
  /** The conversation on screen; opens and closes run one after another, so one never closes the next. */
  open(docId: string): Promise<OpenConversation>;
  /** What the conversation showed when last listed on this device: on screen while `open` loads it. */
  recent: Engine['recent'];
  startConversation(input: { handles: string; title?: string }): Promise<Result<string, ClientErrorCode> | StartFailure>;
  readonly communities: Communities;
  /** The directory, direct invitations and their answers, the history setting. */
  readonly discovery: CommunityDiscovery;
  readonly communityAdmin: Engine['communityAdmin'];
  /** The thread on screen; opened and closed in the same order as conversations (one live socket at a time). */
  openThread(threadId: string): Promise<ClientResult<OpenThread>>;
  search: Engine['search'];
  totalUnread: Engine['totalUnread'];
  safetyNumber: Engine['safetyNumber'];
  markVerified: Engine['markVerified'];
  verificationStatus: Engine['verificationStatus'];
  keyWarnings: Engine['keyWarnings'];
  history: Engine['history'];
  readonly privacy: Engine['privacy'];
  decline: Engine['decline'];
  deleteLocalCopy: Engine['deleteLocalCopy'];
  /** One conversation at a time, read from this device without a socket (the data export). */
  read: Engine['read'];
  /** One community thread at a time, likewise (the data export). */
  readThread: Engine['readThread'];
}

export interface EngineHost {
  /** Null while signed out and until the engine has loaded the device's cached list. */
  current(): DeviceEngine | null;
  subscribe(listener: () => void): () => void;
  /** Starts the engine for this session, unless it already runs for this account. */
  run(session: { identity: Identity; account: Account }): void;
  /** Closes what is open and stops the engine; resolves once it let go of the local databases. */
  stop(): Promise<void>;
  /** The network came back: catch up with the list now rather than at the next retry. */
  reconnected(): void;
}

export interface EngineHostOptions {
  /** Absent where no engine can run (the client's account tests). */
  factory?: EngineFactory;
  request: Request;
  lookup(handle: string): Promise<ClientResult<PublicProfile>>;
  onSignedOut(reason: string): void;
  /** Where a failure that no screen is waiting for is reported (never message content). */
  report?(what: string, error: unknown): void;
}

interface Running {
  accountId: string;
  engine: Engine;
  device: DeviceEngine;
  opened: Set<Closable>;
  /** engine.start(): settles once the cached list is loaded and the first refresh answered (or failed). */
  started: Promise<void>;
}

const noop = () => undefined;

/** What is open on screen (a conversation or a thread), closed before the engine stops. */
interface Closable {
  close(): Promise<void>;
}

export function createEngineHost(options: EngineHostOptions): EngineHost {
  const listeners = new Set<() => void>();
  let published: DeviceEngine | null = null;
  let running: Running | null = null;
  /** The account an engine should run for; a run or stop that lost the race sees it changed. */
  let wanted: string | null = null;
  // Creation and shutdown run one at a time. Nothing on this chain waits for a request, so a request that
  // ends the session (and so calls stop()) can never wait on itself.
  let lifecycle: Promise<void> = Promise.resolve();
  const report = options.report ?? noop;

  function publish(next: DeviceEngine | null): void {
    if (published === next) return;
    published = next;
    for (const listener of [...listeners]) listener();
  }

  function deviceEngine(engine: Engine, account: Account, opened: Set<Closable>): DeviceEngine {
    let queue: Promise<unknown> = Promise.resolve();
    const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
      const result = queue.then(work);
      queue = result.catch(noop);
      return result;
    };
    return {
      accountId: account.id,
      conversations: engine.conversations,
      open(docId) {
        return inOrder(async () => {
          const conversation = await engine.open(docId);
          const tracked: OpenConversation = {
            ...conversation,
            close() {
              opened.delete(tracked);
              return inOrder(() => conversation.close());
            },
          };
          opened.add(tracked);
          return tracked;
        });
      },
      // Outside the open/close queue: a read of one sealed record, for the screen before its open finishes.
      recent: (docId) => engine.recent(docId),
      communities: engine.communities,
      discovery: engine.discovery,
      communityAdmin: engine.communityAdmin,
      openThread(threadId) {
        return inOrder(async () => {
          const result = await engine.openThread(threadId);
          if (!result.ok) return result;
          const thread = result.value;
          const tracked: OpenThread = {
            ...thread,
            close() {
              opened.delete(tracked);
              return inOrder(() => thread.close());
            },
          };
          opened.add(tracked);
          return { ok: true as const, value: tracked };
        });
      },
      startConversation: (input) =>
        startConversation(
          {
            ownHandle: account.handle,
            start: (handles, startOptions) => engine.conversations.start(handles, startOptions),
            lookup: options.lookup,
          },
          input,
        ),
      search: (query, searchOptions) => engine.search(query, searchOptions),
      totalUnread: () => engine.totalUnread(),
      safetyNumber: (accountId, docId) => engine.safetyNumber(accountId, docId),
      markVerified: (accountId, verifyOptions) => engine.markVerified(accountId, verifyOptions),
      verificationStatus: (accountId, docId) => engine.verificationStatus(accountId, docId),
      keyWarnings: (docId) => engine.keyWarnings(docId),
      history: (docId) => engine.history(docId),
      privacy: engine.privacy,
      decline: (docId, declineOptions) => engine.decline(docId, declineOptions),
      deleteLocalCopy: (docId) => engine.deleteLocalCopy(docId),
      read: (docId) => engine.read(docId),
      readThread: (threadId) => engine.readThread(threadId),
    };
  }

  async function shutdown(current: Running): Promise<void> {
    publish(null);
    for (const open of [...current.opened]) await open.close().catch((error: unknown) => report('closing a conversation', error));
    await current.engine.stop().catch((error: unknown) => report('stopping the engine', error));
    // A first refresh still in flight must not leave sockets behind once it returns.
    void current.started.then(() => current.engine.sync.stop());
  }

  return {
    current: () => published,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    run({ identity, account }) {
      const factory = options.factory;
      if (!factory || wanted === account.id) return;
      wanted = account.id;
      lifecycle = lifecycle.then(async () => {
        if (wanted !== account.id || running?.accountId === account.id) return;
        if (running) {
          const previous = running;
          running = null;
          await shutdown(previous);
        }
        let engine: Engine;
        try {
          engine = await factory({ identity, account, request: options.request, onSignedOut: options.onSignedOut });
        } catch (error) {
          report('creating the engine', error);
          wanted = null;
          return;
        }
        if (wanted !== account.id) {
          await engine.stop().catch((error: unknown) => report('stopping the engine', error));
          return;
        }
        const opened = new Set<Closable>();
        // Offline the refresh fails as `network.offline` and start() still resolves: the cached list shows.
        const started = engine.start().catch((error: unknown) => report('starting the engine', error));
        const current: Running = { accountId: account.id, engine, device: deviceEngine(engine, account, opened), opened, started };
        running = current;
        void started.then(() => {
          if (running === current) publish(current.device);
        });
      });
    },
    stop() {
      wanted = null;
      const done = lifecycle.then(async () => {
        if (!running) return;
        const current = running;
        running = null;
        await shutdown(current);
      });
      lifecycle = done;
      return done;
    },
    reconnected() {
      if (running && published === running.device) void running.engine.conversations.refresh();
    },
  };
}
