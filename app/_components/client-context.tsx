'use client';
// The one React context through which screens reach lib/client. The client is created in the browser
// only (never during the static export's prerender), then started once.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createBrowserClient } from '../../lib/client/browser-client';
import type { Client, SessionState } from '../../lib/client/client';
import type { DeviceEngine } from '../../lib/client/engine-host';

const ClientContext = createContext<Client | null>(null);

export function ClientProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<Client | null>(null);

  useEffect(() => {
    // Set by `npm run dev`, where the screens come from next dev and the sockets go to the sync server.
    const syncOrigin = process.env.NEXT_PUBLIC_SYNC_ORIGIN;
    const created = createBrowserClient(window, syncOrigin ? { syncOrigin } : {});
    setClient(created);
    void created.start();
    return () => {
      void created.dispose();
    };
  }, []);

  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

/** null until the browser has created the client (always null during prerender). */
export function useClient(): Client | null {
  return useContext(ClientContext);
}

const LOADING: SessionState = { status: 'loading' };
const noop = () => () => undefined;

export function useSession(): SessionState {
  const client = useClient();
  return useSyncExternalStore(
    client ? client.subscribe : noop,
    () => (client ? client.getState() : LOADING),
    () => LOADING,
  );
}

/** True until the client knows better, so the prerendered page does not claim to be offline. */
export function useOnline(): boolean {
  const client = useClient();
  return useSyncExternalStore(
    client ? client.online.subscribe : noop,
    () => (client ? client.online.isOnline() : true),
    () => true,
  );
}

/** The signed-in device's engine; null while signed out and until the cached conversation list is loaded. */
export function useEngine(): DeviceEngine | null {
  const client = useClient();
  return useSyncExternalStore(
    client ? client.engine.subscribe : noop,
    () => (client ? client.engine.current() : null),
    () => null,
  );
}
