// The service worker: precaches the whole static export so the app opens offline.
// It never caches /api or the sync socket: only files listed in the build's precache manifest are served from cache.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST, {
  // `/signin/` -> `/signin/index.html`; Next's `index.txt?_rsc=...` payloads match without their query.
  directoryIndex: 'index.html',
  ignoreURLParametersMatching: [/.*/],
  cleanURLs: false,
});

// The first install takes control at once so the page that installed it works offline after one visit.
// Later versions wait until the person chooses "Reload" in the update prompt (workbox-window sends SKIP_WAITING).
clientsClaim();
self.addEventListener('message', (event) => {
  if (event.data && typeof event.data === 'object' && (event.data as { type?: unknown }).type === 'SKIP_WAITING') {
    void self.skipWaiting();
  }
});
