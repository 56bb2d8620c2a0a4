import { describe, expect, it } from 'vitest';
import { createOnlineStatus } from '../../lib/client/online-status';

function makeStatus(initiallyOnline = true) {
  let browserOnline = initiallyOnline;
  const events = new EventTarget();
  const timers: Array<{ task: () => void; ms: number; cancelled: boolean }> = [];
  let probes = 0;
  const status = createOnlineStatus({
    browserOnline: () => browserOnline,
    events,
    probe: async () => {
      probes += 1;
    },
    schedule: (task, ms) => {
      const timer = { task, ms, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    retryMs: 10_000,
  });
  let changes = 0;
  status.subscribe(() => (changes += 1));
  return {
    status,
    goOffline() {
      browserOnline = false;
      events.dispatchEvent(new Event('offline'));
    },
    goOnline() {
      browserOnline = true;
      events.dispatchEvent(new Event('online'));
    },
    pendingTimers: () => timers.filter((timer) => !timer.cancelled),
    runTimers() {
      for (const timer of timers.splice(0)) if (!timer.cancelled) timer.task();
    },
    probes: () => probes,
    changes: () => changes,
  };
}

describe('online status', () => {
  it('starts from navigator.onLine', () => {
    expect(makeStatus(true).status.isOnline()).toBe(true);
    expect(makeStatus(false).status.isOnline()).toBe(false);
  });

  it('follows the browser offline and online events and asks the server when back', () => {
    const env = makeStatus();
    env.goOffline();
    expect(env.status.isOnline()).toBe(false);
    env.goOnline();
    expect(env.status.isOnline()).toBe(true);
    expect(env.probes()).toBe(1);
    expect(env.changes()).toBe(2);
  });

  it('goes offline when a request cannot reach the server although the browser says online', () => {
    const env = makeStatus();
    env.status.reportReachable(false);
    expect(env.status.isOnline()).toBe(false);
    expect(env.changes()).toBe(1);
  });

  it('probes on a timer while the server is unreachable and comes back when a probe gets through', () => {
    const env = makeStatus();
    env.status.reportReachable(false);
    expect(env.pendingTimers().map((timer) => timer.ms)).toEqual([10_000]);
    env.runTimers();
    expect(env.probes()).toBe(1);
    env.status.reportReachable(true);
    expect(env.status.isOnline()).toBe(true);
    expect(env.pendingTimers()).toEqual([]);
  });

  it('does not probe while the browser itself is offline', () => {
    const env = makeStatus();
    env.goOffline();
    env.status.reportReachable(false);
    expect(env.pendingTimers()).toEqual([]);
  });

  it('stops listening after dispose', () => {
    const env = makeStatus();
    env.status.dispose();
    env.goOffline();
    expect(env.status.isOnline()).toBe(true);
  });
});
