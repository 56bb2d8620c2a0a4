'use client';
// App-wide: a status region that says `Offline` whenever the server cannot be reached.
import { useOnline } from './client-context';

export function OfflineStatus() {
  const online = useOnline();
  return (
    <div role="status" className={online ? 'offline-banner hidden' : 'offline-banner'}>
      {online ? null : (
        <>
          <strong>Offline</strong>
          <span> · You can keep reading and writing; messages are sent when you reconnect.</span>
        </>
      )}
    </div>
  );
}
