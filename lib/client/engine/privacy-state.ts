// The privacy choices this device acts on: who may contact me (the server enforces it), the read-receipt and
// typing switches (this device enforces them for what it sends, and reciprocally hides what it would show),
// and the block list (the server enforces blocks; this device also hides blocked people's messages in groups).
// Kept sealed in the engine store, so the switches hold offline from the first frame.
import { z } from 'zod';
import { BlockView, DEFAULT_PRIVACY, PrivacySettings, type UpdatePrivacyRequest } from '../../protocol/api-privacy';
import { ok } from '../../protocol/errors';
import type { ClientResult } from '../client-errors';
import type { DocsApi } from './docs-api';
import type { EngineStore } from './engine-store';

const PRIVACY = 'privacy:state';
const Cached = z.object({ settings: PrivacySettings, blocks: z.array(BlockView) });
type Cached = z.infer<typeof Cached>;
const text = new TextEncoder();
const untext = new TextDecoder();

export class PrivacyState {
  #state: Cached = { settings: DEFAULT_PRIVACY, blocks: [] };
  #listeners = new Set<() => void>();
  /**
   * Changes begun on this device, per part. A refresh whose request went out before one of them is older than
   * what that change sets: its answer for that part is dropped (a switch just turned off must not turn back on).
   */
  #changes = { settings: 0, blocks: 0 };

  constructor(private readonly deps: { api: DocsApi; store: EngineStore; report?(what: string, error: unknown): void }) {}

  async load(): Promise<void> {
    const sealed = await this.deps.store.open(PRIVACY);
    if (!sealed) return;
    try {
      const parsed = Cached.safeParse(JSON.parse(untext.decode(sealed)));
      if (parsed.success) this.#state = parsed.data;
    } catch {
      // Unreadable: the defaults stand until the next refresh from the server.
    }
  }

  /** Reads both from the server; offline, the sealed copy stays. */
  async refresh(): Promise<ClientResult<void>> {
    const asked = { ...this.#changes };
    const [settings, blocks] = await Promise.all([this.deps.api.privacy(), this.deps.api.blocks()]);
    if (!settings.ok) return settings;
    if (!blocks.ok) return blocks;
    await this.#set({
      settings: asked.settings === this.#changes.settings ? settings.value : this.#state.settings,
      blocks: asked.blocks === this.#changes.blocks ? blocks.value.blocks : this.#state.blocks,
    });
    return ok(undefined);
  }

  settings(): PrivacySettings {
    return this.#state.settings;
  }

  /** Saved on the server first (every device of the account follows it), then here. */
  async update(change: UpdatePrivacyRequest): Promise<ClientResult<PrivacySettings>> {
    this.#changes.settings++;
    const saved = await this.deps.api.updatePrivacy(change);
    if (!saved.ok) return saved;
    await this.#set({ ...this.#state, settings: saved.value });
    return saved;
  }

  blocks(): BlockView[] {
    return this.#state.blocks;
  }

  isBlocked(accountId: string): boolean {
    return this.#state.blocks.some((b) => b.accountId === accountId);
  }

  async block(accountId: string): Promise<ClientResult<void>> {
    this.#changes.blocks++;
    const blocked = await this.deps.api.block(accountId);
    if (!blocked.ok) return blocked;
    const others = this.#state.blocks.filter((b) => b.accountId !== accountId);
    await this.#set({ ...this.#state, blocks: [...others, blocked.value] });
    return ok(undefined);
  }

  async unblock(accountId: string): Promise<ClientResult<void>> {
    this.#changes.blocks++;
    const unblocked = await this.deps.api.unblock(accountId);
    if (!unblocked.ok) return unblocked;
    await this.#set({ ...this.#state, blocks: this.#state.blocks.filter((b) => b.accountId !== accountId) });
    return ok(undefined);
  }

  /** A block made elsewhere (declining a request with Block): re-read the list. */
  async refreshBlocks(): Promise<void> {
    const asked = this.#changes.blocks;
    const blocks = await this.deps.api.blocks();
    if (blocks.ok && asked === this.#changes.blocks) await this.#set({ ...this.#state, blocks: blocks.value.blocks });
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #set(next: Cached): Promise<void> {
    this.#state = next;
    for (const listener of [...this.#listeners]) listener();
    try {
      await this.deps.store.seal(PRIVACY, text.encode(JSON.stringify(next)));
    } catch (error) {
      // The in-memory state holds; the next change or refresh writes it again.
      this.deps.report?.('saving privacy settings', error);
    }
  }
}
