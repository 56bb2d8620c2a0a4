'use client';
// Registers the service worker (production builds served by our server only) and, when a new version
// is waiting, offers to switch to it. The switch happens only when the person asks: a silent reload
// could throw away what they are typing.
import { useEffect, useRef, useState } from 'react';
import { Workbox } from 'workbox-window';

export function UpdatePrompt() {
  const workbox = useRef<Workbox | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [reloading, setReloading] = useState(false);

  useEffect(() => {
    if (process.env.NODE_ENV === 'development' || !('serviceWorker' in navigator)) return;
    const wb = new Workbox('/sw.js');
    workbox.current = wb;
    wb.addEventListener('waiting', () => setWaiting(true));
    wb.register().catch((error: unknown) => {
      // Without a service worker the app still works online; only offline start-up is lost.
      console.warn('service worker registration failed', error instanceof Error ? error.message : error);
    });
  }, []);

  if (!waiting) return null;
  return (
    <div className="toast" role="region" aria-label="Update available">
      <p>A new version is available.</p>
      <button
        type="button"
        className="button primary small"
        disabled={reloading}
        onClick={() => {
          const wb = workbox.current;
          if (!wb) return;
          setReloading(true);
          wb.addEventListener('controlling', () => window.location.reload());
          wb.messageSkipWaiting();
        }}
      >
        Reload
      </button>
    </div>
  );
}
