// The one wiring point of the browser engine: adapters in, one object out. Screens reach it through
// a single React context and never talk to fetch, IndexedDB or lib/crypto themselves.
import { decodeIdentitySecrets, type Identity, type RandomBytes } from '../crypto';
import type { Account } from '../protocol/api';
import { fail } from '../protocol/errors';
import type { ClientResult } from './client-errors';
import { createAccountService, type AccountService } from './account';
import { createApi, type Api } from './api';
import type { DeviceStorage } from './device-storage';
import { buildExport, type DataExport, type ExportProgress } from './export';
import { createEngineHost, type EngineFactory, type EngineHost } from './engine-host';
import type { Keyring, KeyringContents } from './keyring';
import { createOnlineStatus, type OnlineStatus, type OnlineStatusOptions } from './online-status';

export interface Clock {
  now(): number;
}

export interface Transport {
  /** '' when the PWA is served by the sync server itself. */
  baseUrl: string;
  fetch: typeof fetch;
}

/**
 * Why the device shows the signed-out screens: nothing yet, the person signed out, the server ended the session,
 * or the account was deleted (here or on another device).
 */
export type SignedOutReason = 'none' | 'signed-out' | 'session-ended' | 'account-deleted';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason: SignedOutReason }
  | { status: 'signed-in'; account: Account; sessionId: string; deviceName: string };

export interface ActiveSession {
  contents: KeyringContents;
  identity: Identity;
}

/** What the account operations may do to the device's session; only client.ts changes the state. */
export interface SessionControl {
  api: Api;
  keyring: Keyring;
  clock: Clock;
  random: RandomBytes | undefined;
  deviceName: string;
  current(): ActiveSession | null;
  /** Stores the keyring, then switches to signed-in. */
  begin(contents: KeyringContents, identity: Identity): Promise<void>;
  /** Profile changes without touching the secrets. */
  updateAccount(account: Account): Promise<void>;
  /** Wipes every local database, then switches to signed-out. */
  end(reason: SignedOutReason): Promise<void>;
}

export interface ClientDeps {
  storage: DeviceStorage;
  transport: Transport;
  keyring: Keyring;
  clock: Clock;
  /** Defaults to lib/crypto's WebCrypto source. */
  random?: RandomBytes;
  deviceName: string;
  network: Omit<OnlineStatusOptions, 'probe'>;
  /** Tells other tabs of this origin that the session changed, and hears them. */
  sessionChannel?: { post(): void; listen(onChange: () => void): () => void };
  /** Makes the local-first engine while signed in; without it the client runs accounts only. */
  engine?: EngineFactory;
  /** Failures no screen waits for (never secrets or message content). */
  report?(what: string, error: unknown): void;
}

export interface Client {
  /** Opens the keyring; resolves once the state is no longer `loading`. */
  start(): Promise<void>;
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  online: OnlineStatus;
  account: AccountService;
  /** The engine of the signed-in device: running while signed in, stopped before a sign-out wipes the device. */
  engine: Pick<EngineHost, 'current' | 'subscribe'>;
  /** "Export my data": the server's metadata and every conversation and community thread decrypted here, one at a time. */
  exportData(onProgress?: (progress: ExportProgress) => void): Promise<ClientResult<DataExport>>;
  /** Resolves once the engine has stopped. */
  dispose(): Promise<void>;
}

export function createClient(deps: ClientDeps): Client {
  let state: SessionState = { status: 'loading' };
  let active: ActiveSession | null = null;
  const listeners = new Set<() => void>();

  function setState(next: SessionState): void {
    state = next;
    for (const listener of [...listeners]) listener();
  }

  function signedInState(session: ActiveSession): SessionState {
    const { account, session: grant, deviceName } = session.contents;
    return { status: 'signed-in', account, sessionId: grant.sessionId, deviceName };
  }

  const api = createApi({
    baseUrl: deps.transport.baseUrl,
    fetch: deps.transport.fetch,
    getToken: () => active?.contents.session.token ?? null,
    onReachability: (reachable) => online.reportReachable(reachable),
    onSessionEnded: () => control.end('session-ended'),
  });
  const online = createOnlineStatus({ ...deps.network, probe: () => api.health() });
  const engine = createEngineHost({
    ...(deps.engine ? { factory: deps.engine } : {}),
    ...(deps.report ? { report: deps.report } : {}),
    request: api.request,
    lookup: (handle) => api.getUser(handle),
    onSignedOut: (reason) => void control.end(reason === 'account.deleted' ? 'account-deleted' : 'session-ended'),
  });
  // Sockets retry with a growing delay; when the network is back, catch up at once.
  let wasOnline = online.isOnline();
  const stopWatchingOnline = online.subscribe(() => {
    const now = online.isOnline();
    if (now && !wasOnline) engine.reconnected();
    wasOnline = now;
  });

  function runEngine(session: ActiveSession): void {
    engine.run({ identity: session.identity, account: session.contents.account });
  }

  let ending: Promise<void> | null = null;
  let endReason: SignedOutReason | null = null;
  const control: SessionControl = {
    api,
    keyring: deps.keyring,
    clock: deps.clock,
    random: deps.random,
    deviceName: deps.deviceName,
    current: () => active,
    async begin(contents, identity) {
      await deps.keyring.save(contents);
      active = { contents, identity };
      setState(signedInState(active));
      runEngine(active);
      deps.sessionChannel?.post();
    },
    async updateAccount(account) {
      if (active === null) return;
      active = { ...active, contents: { ...active.contents, account } };
      await deps.keyring.saveAccount(account);
      setState(signedInState(active));
    },
    end(reason) {
      // Already signed out and wiped: a request sent before the sign-out that fails with 401 afterwards (or a socket
      // closed by it) has nothing left to end, and must not turn "you signed out" into "your session ended".
      if (active === null && ending === null && state.status === 'signed-out') return Promise.resolve();
      // Signing out everywhere (or deleting the account) also closes this device's sockets, which reads as
      // "session ended": the person's own choice wins.
      if (reason === 'signed-out' || reason === 'account-deleted' || endReason === null) endReason = reason;
      // Several requests can fail with 401 at once: wipe once.
      ending ??= (async () => {
        active = null;
        deps.keyring.close();
        try {
          // The engine holds the databases the wipe deletes: it lets go of them first.
          await engine.stop();
          await deps.storage.wipeAll();
        } finally {
          const why = endReason ?? reason;
          ending = null;
          endReason = null;
          setState({ status: 'signed-out', reason: why });
          deps.sessionChannel?.post();
        }
      })();
      return ending;
    },
  };

  async function load(): Promise<void> {
    const loaded = await deps.keyring.load();
    if (loaded.kind === 'empty') {
      // Another tab signed out (and wiped): stop using what it deleted.
      active = null;
      await engine.stop();
      setState({ status: 'signed-out', reason: 'none' });
      return;
    }
    const identity = loaded.kind === 'ready' ? decodeIdentitySecrets(loaded.contents.identitySecrets) : null;
    if (loaded.kind !== 'ready' || identity === null) {
      // Half-written or tampered local state: start clean rather than limp along.
      await control.end('none');
      return;
    }
    if (loaded.contents.session.expiresAt <= deps.clock.now()) {
      await control.end('session-ended');
      return;
    }
    active = { contents: loaded.contents, identity };
    setState(signedInState(active));
    runEngine(active);
    // Learn about profile changes and ended sessions; offline this fails quietly as network.offline.
    void refresh();
  }

  async function refresh(): Promise<void> {
    const result = await api.getAccount();
    if (result.ok && active !== null && active.contents.account.id === result.value.id) await control.updateAccount(result.value);
  }

  const stopListening = deps.sessionChannel?.listen(() => void load());
  const account = createAccountService(control);

  return {
    start: load,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    online,
    account,
    engine,
    async exportData(onProgress) {
      const running = engine.current();
      if (active === null || running === null) return fail('session.none');
      return buildExport({ api, engine: running, now: () => deps.clock.now(), ...(onProgress ? { onProgress } : {}) });
    },
    async dispose() {
      stopListening?.();
      stopWatchingOnline();
      online.dispose();
      listeners.clear();
      await engine.stop();
      deps.keyring.close();
    },
  };
}
