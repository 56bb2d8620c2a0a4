// Safety numbers and verified identities. "Mark as verified" stores the signing key the person compared, sealed
// with the device key; whenever the key the server now hands out for that account differs, the conversation
// shows a warning until the person verifies again. The server cannot clear the warning: it never sees the store.
import { z } from 'zod';
import { safetyNumber, type Identity } from '../../crypto';
import type { Account } from '../../protocol/api';
import { fromBase64url } from '../../protocol/base64url';
import { fail, ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import type { Conversations } from './conversations';
import type { EngineStore } from './engine-store';

const VERIFIED = 'safety:verified';
const text = new TextEncoder();
const untext = new TextDecoder();

/** accountId -> the signing key (base64url) that was verified. */
const VerifiedKeys = z.record(z.string(), z.string().length(43));

export type VerificationStatus = 'verified' | 'unverified' | 'changed';

export interface KeyWarning {
  accountId: string;
  name: string;
  verifiedKey: string;
  currentKey: string;
}

export class Safety {
  #verified: Record<string, string> = {};

  constructor(
    private readonly deps: { store: EngineStore; identity: Identity; account: Account; conversations: Conversations },
  ) {}

  async load(): Promise<void> {
    const sealed = await this.deps.store.open(VERIFIED);
    if (!sealed) return;
    try {
      const parsed = VerifiedKeys.safeParse(JSON.parse(untext.decode(sealed)));
      if (parsed.success) this.#verified = parsed.data;
    } catch {
      // Unreadable: every contact shows as unverified, which is the safe direction.
      this.#verified = {};
    }
  }

  /** The signing key the server currently lists for an account (in a given conversation, or any). */
  currentKey(accountId: string, docId?: string): string | null {
    const { conversations } = this.deps;
    const views = docId ? [conversations.view(docId)] : conversations.ids().map((id) => conversations.view(id));
    for (const view of views) {
      const member = view?.members.find((m) => m.accountId === accountId);
      if (member?.signingPublicKey) return member.signingPublicKey;
    }
    return null;
  }

  /** 60 digits, the same on both sides; computed from the key the server lists now. */
  async safetyNumber(accountId: string, docId?: string): Promise<ClientResult<string>> {
    const key = this.currentKey(accountId, docId);
    const bytes = key ? fromBase64url(key) : null;
    if (!bytes || bytes.length !== 32) return fail('account.not_found');
    return ok(
      await safetyNumber(
        { id: this.deps.account.id, signingPublicKey: this.deps.identity.signing.publicKey },
        { id: accountId, signingPublicKey: bytes },
      ),
    );
  }

  /**
   * Stores the current key as verified. Pass the number the person actually compared: if the key changed in
   * between, nothing is stored (`request.invalid`) rather than verifying a key nobody looked at.
   */
  async markVerified(accountId: string, options: { safetyNumber?: string; docId?: string } = {}): Promise<ClientResult<void>> {
    const key = this.currentKey(accountId, options.docId);
    if (!key || accountId === this.deps.account.id) return fail('account.not_found');
    if (options.safetyNumber !== undefined) {
      const current = await this.safetyNumber(accountId, options.docId);
      if (!current.ok) return current;
      if (current.value !== options.safetyNumber) return fail('request.invalid');
    }
    this.#verified = { ...this.#verified, [accountId]: key };
    await this.#save();
    return ok(undefined);
  }

  async unverify(accountId: string): Promise<void> {
    if (!(accountId in this.#verified)) return;
    const { [accountId]: _dropped, ...rest } = this.#verified;
    this.#verified = rest;
    await this.#save();
  }

  status(accountId: string, docId?: string): VerificationStatus {
    const verified = this.#verified[accountId];
    if (verified === undefined) return 'unverified';
    const current = this.currentKey(accountId, docId);
    return current === null || current === verified ? 'verified' : 'changed';
  }

  /** Members of a conversation whose key differs from the one verified; persistent until verified again. */
  keyWarnings(docId: string): KeyWarning[] {
    const view = this.deps.conversations.view(docId);
    if (!view) return [];
    const out: KeyWarning[] = [];
    for (const member of view.members) {
      const verifiedKey = this.#verified[member.accountId];
      // A member without a key is a deleted account: nothing can be sent to it, nothing to warn about.
      if (verifiedKey === undefined || member.signingPublicKey === null || member.signingPublicKey === verifiedKey) continue;
      out.push({
        accountId: member.accountId,
        name: member.displayName ?? 'Deleted account',
        verifiedKey,
        currentKey: member.signingPublicKey,
      });
    }
    return out;
  }

  async #save(): Promise<void> {
    await this.deps.store.seal(VERIFIED, text.encode(JSON.stringify(this.#verified)));
  }
}
