// A list refresh answered late must not undo what the device did meanwhile (conversations, communities, privacy). The server reads the list, the
// person starts a conversation (or creates a community) and writes in it, and only then does the list arrive,
// without it. Applied as it was, that answer took the new conversation off the list and wiped its local data
// as if it had been left: the screen said "no longer a member" and nothing sent to it arrived.
import { describe, expect, it } from 'vitest';
import type { Device } from './helpers/engine-device';
import { eventually } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

/** Holds the server's answer to the next GET of `path`; `answered` resolves once the server has answered. */
function holdNextList(d: Device, path: string): { answered: Promise<void>; deliver(): void } {
  let deliver!: () => void;
  let answered!: () => void;
  const late = new Promise<void>((resolve) => (deliver = resolve));
  const seen = new Promise<void>((resolve) => (answered = resolve));
  d.answered = (method, p) => {
    if (method !== 'GET' || p !== path) return undefined;
    d.answered = undefined;
    answered();
    return late;
  };
  return { answered: seen, deliver };
}

/**
 * Starts `refresh`, runs `change` once the server has answered it (the answer held back), then lets the answer
 * arrive; resolves with what `change` returned once the refresh has applied it.
 */
async function changeDuringRefresh<T>(
  d: Device,
  path: string,
  refresh: () => Promise<{ ok: boolean }>,
  change: () => Promise<T>,
): Promise<T> {
  const held = holdNextList(d, path);
  const refreshing = refresh();
  await held.answered;
  const changed = await change();
  held.deliver();
  expect((await refreshing).ok).toBe(true);
  return changed;
}

describe('a list refresh answered after a local change', () => {
  it('keeps a conversation started meanwhile, with what was written in it, and it goes on receiving', async () => {
    scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');

    const { docId, a } = await changeDuringRefresh(alice, '/api/conversations', () => alice.engine.conversations.refresh(), async () => {
      const started = unwrap(await alice.engine.conversations.start([bob.account.handle]));
      const open = await scene.open(alice, started);
      unwrap(await open.send('started while the list was on its way'));
      return { docId: started, a: open };
    });

    expect(alice.engine.conversations.ids()).toContain(docId);
    expect((await a.messages()).map((m) => m.body)).toEqual(['started while the list was on its way']);

    await eventually(() => bob.engine.conversations.ids().includes(docId), 'Bob has the conversation');
    const b = await scene.open(bob, docId);
    await eventually(async () => (await b.messages()).length === 1, 'Bob reads Alice');
    unwrap(await b.send('and the answer arrives'));
    await eventually(async () => (await a.messages()).some((m) => m.body === 'and the answer arrives'), 'Alice reads Bob');

    // The next refresh, with nothing changed meanwhile, still applies what the server says.
    expect((await alice.engine.conversations.refresh()).ok).toBe(true);
    expect(alice.engine.conversations.ids()).toContain(docId);
  });

  it('keeps a community created meanwhile, and its name stays readable', async () => {
    scene.serve(await startServer());
    const owner = await scene.device('owner');

    const communityId = await changeDuringRefresh(owner, '/api/communities', () => owner.engine.communities.refresh(), async () =>
      unwrap(await owner.engine.communities.create({ name: 'Tool library' })),
    );

    expect(owner.engine.communities.ids()).toContain(communityId);
    const state = unwrap(await owner.engine.communities.state(communityId));
    expect(state.name).toBe('Tool library');
  });

  it('keeps a privacy switch turned off meanwhile off, and a block made meanwhile', async () => {
    scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');

    await changeDuringRefresh(alice, '/api/privacy', () => alice.engine.privacy.refresh(), async () => {
      unwrap(await alice.engine.privacy.update({ readReceipts: false }));
      unwrap(await alice.engine.privacy.block(bob.account.id));
    });

    expect(alice.engine.privacy.settings().readReceipts).toBe(false);
    expect(alice.engine.privacy.isBlocked(bob.account.id)).toBe(true);
    // Nothing changed since: a refresh applies the server's answer, which agrees.
    expect((await alice.engine.privacy.refresh()).ok).toBe(true);
    expect(alice.engine.privacy.settings().readReceipts).toBe(false);
    expect(alice.engine.privacy.isBlocked(bob.account.id)).toBe(true);
  });
});
