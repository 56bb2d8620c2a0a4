// A list refresh asks the server for every conversation (or community) this account is in; meanwhile this device
// may start one, accept one, join one or be told of a change. The answer then describes the list as it was
// when the server read it, and applied as is it would take back what happened since: a conversation just
// started would vanish from the list, and its local data would be wiped as if it had been left. Each change made
// here is stamped; a refresh keeps this device's version of whatever changed after it asked.

export interface RefreshRound {
  /** Whether this device changed the entry after the round's request went out (its own version is newer). */
  changedSince(id: string): boolean;
  /** The round is over (answered or failed). */
  end(): void;
}

export class LocalChanges {
  #version = 0;
  readonly #stamps = new Map<string, number>();
  #rounds = 0;

  /** An entry was added, replaced or removed on this device. */
  touch(id: string): void {
    this.#stamps.set(id, ++this.#version);
  }

  /** Call before sending the list request. */
  begin(): RefreshRound {
    const asked = this.#version;
    this.#rounds++;
    let ended = false;
    return {
      changedSince: (id) => (this.#stamps.get(id) ?? 0) > asked,
      end: () => {
        if (ended) return;
        ended = true;
        // With no round in flight no stamp can matter any more.
        if (--this.#rounds === 0) this.#stamps.clear();
      },
    };
  }
}
