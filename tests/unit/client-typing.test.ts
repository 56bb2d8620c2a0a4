import { describe, expect, it } from 'vitest';
import { TYPING_IDLE_MS, TYPING_THROTTLE_MS, TypingThrottle } from '../../lib/client/engine/typing-throttle';

/** A fake clock with timers that fire only when time is advanced past them. */
function fakeTimers() {
  let now = 1_000_000;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimer: (handle: unknown) => void timers.delete(handle as number),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

function setup() {
  const timers = fakeTimers();
  const sent: Array<{ typing: boolean; at: number }> = [];
  const throttle = new TypingThrottle({ ...timers, send: (typing) => sent.push({ typing, at: timers.now() }) });
  return { timers, sent, throttle };
}

describe('the typing throttle', () => {
  it('sends "typing" on the first keystroke and at most once per throttle interval while typing goes on', () => {
    const { timers, sent, throttle } = setup();
    const start = timers.now();
    // A keystroke every 100 ms for 7 seconds.
    for (let t = 0; t < 7000; t += 100) {
      throttle.set(true);
      timers.advance(100);
    }
    const typing = sent.filter((s) => s.typing);
    expect(typing[0]!.at).toBe(start);
    expect(typing.length).toBe(Math.ceil(7000 / TYPING_THROTTLE_MS));
    for (let i = 1; i < typing.length; i++) expect(typing[i]!.at - typing[i - 1]!.at).toBeGreaterThanOrEqual(TYPING_THROTTLE_MS);
    expect(sent.some((s) => !s.typing)).toBe(false);
  });

  it('sends "stopped" once after the idle time without a keystroke', () => {
    const { timers, sent, throttle } = setup();
    throttle.set(true);
    timers.advance(TYPING_IDLE_MS - 1);
    expect(sent.map((s) => s.typing)).toEqual([true]);
    timers.advance(1);
    expect(sent.map((s) => s.typing)).toEqual([true, false]);
    timers.advance(60_000);
    expect(sent.map((s) => s.typing)).toEqual([true, false]);
    expect(throttle.typing).toBe(false);
  });

  it('sends "stopped" at once when the draft is sent, and nothing when it was not typing', () => {
    const { timers, sent, throttle } = setup();
    throttle.set(false);
    expect(sent).toEqual([]);
    throttle.set(true);
    throttle.set(false);
    expect(sent.map((s) => s.typing)).toEqual([true, false]);
    expect(timers.pending()).toBe(0);
    // Typing again right away is news, whatever the throttle interval.
    throttle.set(true);
    expect(sent.map((s) => s.typing)).toEqual([true, false, true]);
  });

  it('stays silent after dispose', () => {
    const { timers, sent, throttle } = setup();
    throttle.set(true);
    throttle.dispose();
    timers.advance(60_000);
    expect(sent.map((s) => s.typing)).toEqual([true]);
    expect(timers.pending()).toBe(0);
  });
});
