'use client';
// The one React context through which screens reach lib/client. The client is created in the browser
// only (never during the static export's prerender), then started once.
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createBrowserClient } from '../../lib/client/browser-client';
import type { Client, SessionState } from '../../lib/client/client';

const ClientContext = createContext<Client | null>(null);

export function ClientProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<Client | null>(null);

  useEffect(() => {
    const created = createBrowserClient(window);
    setClient(created);
    void created.start();
    return () => created.dispose();
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
