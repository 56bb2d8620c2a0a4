// The epoch keys of one document on this device: opened from key envelopes (boxed to us, signed by a member),
// kept sealed in the engine store so the document opens offline.
import type { Identity, Verifier } from '../../crypto';
import { fromBase64url } from '../../protocol/base64url';
import type { KeyEnvelopeView } from '../../protocol/api-docs';
import { openKeyEnvelope } from '../../protocol/key-envelope';
import type { EngineStore } from './engine-store';

export class EpochKeys {
  readonly #keys = new Map<number, Uint8Array>();

  constructor(
    readonly docId: string,
    private readonly store: EngineStore,
  ) {}

  get(epoch: number): Uint8Array | undefined {
    return this.#keys.get(epoch);
  }

  has(epoch: number): boolean {
    return this.#keys.has(epoch);
  }

  /** The newest epoch this device holds a key for, or -1. */
  newest(): number {
    let newest = -1;
    for (const epoch of this.#keys.keys()) newest = Math.max(newest, epoch);
    return newest;
  }

  /** Loads the keys this device already opened. */
  async load(): Promise<void> {
    const sealed = await this.store.open(`keys:${this.docId}`);
    if (!sealed || sealed.length % 36 !== 0) return;
    for (let i = 0; i < sealed.length; i += 36) {
      const epoch = new DataView(sealed.buffer, sealed.byteOffset + i, 4).getUint32(0);
      this.#keys.set(epoch, sealed.slice(i + 4, i + 36));
    }
  }

  async remember(epoch: number, key: Uint8Array): Promise<void> {
    this.#keys.set(epoch, key);
    const out = new Uint8Array(this.#keys.size * 36);
    let i = 0;
    for (const [e, k] of this.#keys) {
      new DataView(out.buffer, i, 4).setUint32(0, e);
      out.set(k, i + 4);
      i += 36;
    }
    await this.store.seal(`keys:${this.docId}`, out);
  }

  /**
   * Opens envelopes addressed to us. A key counts only if its envelope verifies and its sender is one of
   * `memberKeys` (signing keys of members): the client rejects keys handed out by anyone else.
   * Returns the codes of envelopes it refused.
   */
  async accept(
    envelopes: KeyEnvelopeView[],
    ctx: { identity: Identity; verifier: Verifier; memberKeys: Uint8Array[] },
  ): Promise<string[]> {
    const refused: string[] = [];
    let changed = false;
    for (const view of envelopes) {
      if (this.#keys.has(view.epoch)) continue;
      const bytes = fromBase64url(view.envelope);
      if (!bytes) {
        refused.push('key_envelope.truncated');
        continue;
      }
      const opened = await openKeyEnvelope(bytes, {
        verifier: ctx.verifier,
        expectedDocId: this.docId,
        expectedEpoch: view.epoch,
        recipient: { signingPublicKey: ctx.identity.signing.publicKey, boxSecretKey: ctx.identity.box.secretKey },
      });
      if (!opened.ok) {
        refused.push(opened.code);
        continue;
      }
      const sender = opened.value.sender;
      if (!ctx.memberKeys.some((k) => k.length === sender.length && k.every((b, i) => b === sender[i]))) {
        refused.push('key_envelope.sender_not_member');
        continue;
      }
      this.#keys.set(view.epoch, opened.value.key);
      changed = true;
    }
    if (changed) {
      const [epoch, key] = [...this.#keys].at(-1)!;
      await this.remember(epoch, key);
    }
    return refused;
  }
}
