// When to tell the others "typing" and "stopped typing": one update per keystroke would put every key press
// (and its timing) on the wire. While typing, at most one update per `throttleMs`; after `idleMs` without a
// keystroke, "stopped". Receivers drop a "typing" they have not heard renewed for TYPING_STALE_MS.
export interface Timers {
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface TypingThrottleOptions extends Timers {
  send(typing: boolean): void;
  throttleMs?: number;
  idleMs?: number;
}

export const TYPING_THROTTLE_MS = 2_000;
export const TYPING_IDLE_MS = 5_000;
/**
 * Longest silence from a sender that is still typing: a keystroke just before the next renewal was due, then
 * the idle time. Beyond it the sender crashed or lost its socket without saying "stopped".
 */
export const TYPING_STALE_MS = TYPING_THROTTLE_MS + TYPING_IDLE_MS + 3_000;

export class TypingThrottle {
  #typing = false;
  #lastSent = 0;
  #idle: unknown = null;

  constructor(private readonly o: TypingThrottleOptions) {}

  get typing(): boolean {
    return this.#typing;
  }

  /** Call with true on every keystroke, false when the text is sent or cleared. */
  set(typing: boolean): void {
    const { o } = this;
    if (!typing) {
      this.#clearIdle();
      if (!this.#typing) return;
      this.#typing = false;
      o.send(false);
      return;
    }
    this.#clearIdle();
    this.#idle = o.setTimer(() => {
      this.#idle = null;
      this.set(false);
    }, o.idleMs ?? TYPING_IDLE_MS);
    const now = o.now();
    if (this.#typing && now - this.#lastSent < (o.throttleMs ?? TYPING_THROTTLE_MS)) return;
    this.#typing = true;
    this.#lastSent = now;
    o.send(true);
  }

  /** Stops the idle timer without sending anything (the socket is going away). */
  dispose(): void {
    this.#clearIdle();
    this.#typing = false;
  }

  #clearIdle(): void {
    if (this.#idle !== null) this.o.clearTimer(this.#idle);
    this.#idle = null;
  }
}
