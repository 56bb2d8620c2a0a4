// Whether the app can reach its server right now: the browser's own signal (navigator.onLine and
// its events) combined with what the last request saw. A fetch that fails while the browser claims
// to be online (server down, captive portal) also counts as offline, until a probe gets through.

export interface OnlineStatus {
  isOnline(): boolean;
  subscribe(listener: () => void): () => void;
  /** Called by the API client after every request. */
  reportReachable(reachable: boolean): void;
  dispose(): void;
}

export interface OnlineStatusOptions {
  /** `navigator.onLine`; read at start and after each online/offline event. */
  browserOnline: () => boolean;
  /** Where `online` and `offline` events arrive (window). */
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** A cheap request (GET /api/health) whose outcome reaches `reportReachable`. */
  probe: () => Promise<unknown>;
  /** Runs `task` after `ms`; returns a cancel function. */
  schedule: (task: () => void, ms: number) => () => void;
  /** How long to wait between probes while the server is unreachable. */
  retryMs?: number;
}

export function createOnlineStatus(options: OnlineStatusOptions): OnlineStatus {
  const retryMs = options.retryMs ?? 15_000;
  const listeners = new Set<() => void>();
  let browserOnline = options.browserOnline();
  let serverReachable = true;
  let cancelProbe: (() => void) | null = null;
  let online = browserOnline && serverReachable;

  function update(): void {
    const next = browserOnline && serverReachable;
    // There is no event for "the server is back": probe on a timer while the browser says online.
    if (browserOnline && !serverReachable) scheduleProbe();
    else cancelScheduledProbe();
    if (next === online) return;
    online = next;
    for (const listener of [...listeners]) listener();
  }

  function scheduleProbe(): void {
    if (cancelProbe !== null) return;
    cancelProbe = options.schedule(() => {
      cancelProbe = null;
      void options.probe();
    }, retryMs);
  }

  function cancelScheduledProbe(): void {
    cancelProbe?.();
    cancelProbe = null;
  }

  const onOnline = () => {
    browserOnline = options.browserOnline();
    update();
    // The browser's "online" says nothing about our server: ask it.
    if (browserOnline) void options.probe();
  };
  const onOffline = () => {
    browserOnline = false;
    update();
  };
  options.events.addEventListener('online', onOnline);
  options.events.addEventListener('offline', onOffline);

  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reportReachable(reachable) {
      serverReachable = reachable;
      // A response proves the network works even if an `online` event was missed.
      if (reachable) browserOnline = true;
      update();
    },
    dispose() {
      options.events.removeEventListener('online', onOnline);
      options.events.removeEventListener('offline', onOffline);
      cancelScheduledProbe();
      listeners.clear();
    },
  };
}
