// What every frame of an open room asks about its document: the epoch, who the members are, their signing keys,
// what consent allows each of them, which account owns a Yjs client id. Read from the tables once and kept by the
// room until a write to those tables resets it (db/access-changes.ts): a block, an accept, a removal or a rotation
// is seen by the very next frame, exactly as if every frame asked the database.
import type { DocConsent, WritePolicy } from './consent';
import type { DocAccess, DocStore } from './doc-store';

type Hidden = 'everyone' | ReadonlySet<string>;

const NOBODY: ReadonlySet<string> = new Set();
const OPEN: WritePolicy = { kind: 'open' };

interface MemberAccess {
  signingKey?: Uint8Array | undefined;
  hasKey?: true;
  policy?: WritePolicy;
  hidden?: Hidden;
}

export class RoomAccess {
  /** Undefined once loaded means the document does not exist (any more). */
  #epoch: number | undefined;
  #epochLoaded = false;
  #members: ReadonlySet<string> | null = null;
  /** Per member only: a non-member is refused before anything else is asked about it. */
  readonly #byMember = new Map<string, MemberAccess>();
  /** Committed bindings only (those being committed are the room's pendingClients); unbound ids are not kept. */
  readonly #clientOwners = new Map<number, string>();
  /** Bumped by every reset: work that began before one must not write what it learned into the new answers. */
  generation = 0;
  /** The document whose changes reset these answers too (a thread's community); `docId` itself otherwise. */
  readonly governing: string;

  constructor(
    readonly docId: string,
    private readonly sources: { access: DocAccess; consent?: DocConsent | undefined; store: DocStore },
  ) {
    this.governing = sources.access.governing?.(docId) ?? docId;
  }

  /** Forgets every answer; the next question reads the tables again. */
  reset(): void {
    this.generation++;
    this.#epochLoaded = false;
    this.#epoch = undefined;
    this.#members = null;
    this.#byMember.clear();
    this.#clientOwners.clear();
  }

  /** Whether a change about this account can alter an answer held here. */
  concerns(accountId: string): boolean {
    if (this.#members?.has(accountId) || this.#byMember.has(accountId)) return true;
    for (const owner of this.#clientOwners.values()) if (owner === accountId) return true;
    return false;
  }

  epoch(): number | undefined {
    if (!this.#epochLoaded) {
      this.#epoch = this.sources.access.currentEpoch(this.docId);
      this.#epochLoaded = true;
    }
    return this.#epoch;
  }

  members(): ReadonlySet<string> {
    return (this.#members ??= new Set(this.sources.access.memberIds(this.docId)));
  }

  isMember(accountId: string): boolean {
    return this.members().has(accountId);
  }

  #member(accountId: string): MemberAccess | null {
    if (!this.isMember(accountId)) return null;
    let entry = this.#byMember.get(accountId);
    if (!entry) this.#byMember.set(accountId, (entry = {}));
    return entry;
  }

  /** A member's Ed25519 key; undefined for anyone else (or a deleted account). */
  signingKey(accountId: string): Uint8Array | undefined {
    const entry = this.#member(accountId);
    if (!entry) return undefined;
    if (!entry.hasKey) {
      entry.signingKey = this.sources.access.signingKey(accountId);
      entry.hasKey = true;
    }
    return entry.signingKey;
  }

  /** Message requests and blocks: what this account may write here now (see consent.ts). */
  writePolicy(accountId: string): WritePolicy {
    const consent = this.sources.consent;
    if (!consent) return OPEN;
    const entry = this.#member(accountId);
    // Non-members never get this far; asked anyway, the tables answer without keeping anything.
    if (!entry) return consent.writePolicy(this.docId, accountId);
    return (entry.policy ??= consent.writePolicy(this.docId, accountId));
  }

  awarenessHiddenFrom(accountId: string): Hidden {
    const consent = this.sources.consent;
    if (!consent) return NOBODY;
    const entry = this.#member(accountId);
    if (!entry) return consent.awarenessHiddenFrom(this.docId, accountId);
    return (entry.hidden ??= consent.awarenessHiddenFrom(this.docId, accountId));
  }

  /** The account a Yjs client id is bound to in this document, if any. */
  clientOwner(clientId: number): string | undefined {
    const cached = this.#clientOwners.get(clientId);
    if (cached !== undefined) return cached;
    const owner = this.sources.store.clientOwner(this.docId, clientId);
    if (owner !== undefined) this.#clientOwners.set(clientId, owner);
    return owner;
  }

  /** Bindings just committed for `accountId` by work that began in `generation` (after a reset the tables answer). */
  bound(clientIds: number[], accountId: string, generation: number): void {
    if (generation !== this.generation) return;
    for (const clientId of clientIds) this.#clientOwners.set(clientId, accountId);
  }

  /** A capped writer's committed client ids (asked only while a request waits: a few entries at most). */
  clientIdsOf(accountId: string): number[] {
    return this.sources.consent?.clientIdsOf(this.docId, accountId) ?? [];
  }

  get requestEntryCap(): number {
    return this.sources.consent?.requestEntryCap ?? Number.POSITIVE_INFINITY;
  }
}
