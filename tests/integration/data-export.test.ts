// "Export my data" (lib/client/export.ts) with real engines against the real server: the file holds the
// decrypted messages of every conversation (requests too) and the posts of every community I belong to, the
// people, the server's metadata, and is built one document at a time. Also: others name a deleted account's
// messages "Deleted account" (issue 7).
import { describe, expect, it } from 'vitest';
import { createApi } from '../../lib/client/api';
import { webRandom } from '../../lib/crypto';
import { appendMessage } from '../../lib/docs';
import type { Engine } from '../../lib/client/engine/engine';
import { buildExport, DataExport, EXPORT_FORMAT, type ExportEngine, type ExportProgress } from '../../lib/client/export';
import { acceptRequest } from './helpers/accept-request';
import { call } from './helpers/api';
import { eventually, type Device } from './helpers/engine-device';
import { engineScene, unwrap, waitForPost } from './helpers/engine-scene';
import { startServer, type TestServer } from './helpers/server';

const scene = engineScene();

const apiOf = (server: { url: string }, d: Device) => createApi({ baseUrl: server.url, fetch, getToken: () => d.token });

/** The engine as the export sees it, counting how many conversations and threads are loaded for it at once. */
function counting(engine: Engine): { engine: ExportEngine; most: () => number } {
  let now = 0;
  let most = 0;
  const held = <R extends { close(): void }>(reader: R): R => {
    most = Math.max(most, ++now);
    return { ...reader, close: () => (now--, reader.close()) };
  };
  return {
    most: () => most,
    engine: {
      conversations: engine.conversations,
      communities: engine.communities,
      async read(docId) {
        const opened = await engine.read(docId);
        return opened.ok ? { ok: true, value: held(opened.value) } : opened;
      },
      async readThread(threadId) {
        const opened = await engine.readThread(threadId);
        return opened.ok ? { ok: true, value: held(opened.value) } : opened;
      },
    },
  };
}

/** The server's fake clock starts in the past; invite expiry is checked against it, the engines use real time. */
async function serveNow(): Promise<TestServer> {
  const server = scene.serve(await startServer());
  server.clock.advance(Date.now() - server.clock.now());
  return server;
}


async function bodiesOf(engine: Engine, docId: string): Promise<Array<string | null>> {
  const reader = unwrap(await engine.read(docId));
  try {
    return (await reader.messages()).map((m) => m.body);
  } finally {
    reader.close();
  }
}

describe('the data export', () => {
  it('holds every conversation with its decrypted messages, people, reactions, a request, and the server metadata', async () => {
    const server = scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');
    const carol = await scene.device('carol');

    const direct = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await scene.open(alice, direct);
    await eventually(() => bob.engine.conversations.ids().includes(direct), 'bob sees the conversation');
    await acceptRequest(server, bob, direct);
    const b = await scene.open(bob, direct);
    const question = unwrap(await a.send('Does anyone have a spare ladder?'));
    await eventually(async () => (await b.messages()).some((m) => m.id === question), 'bob has the question');
    const answer = unwrap(await b.reply('Yes, a tall one. Saturday?', question));
    unwrap(await b.react(question, '👍'));
    const typo = unwrap(await a.send('Saturday works, thnaks'));
    unwrap(await a.edit(typo, 'Saturday works, thanks'));
    const gone = unwrap(await a.send('my address is …'));
    unwrap(await a.delete(gone));
    await eventually(async () => (await a.messages()).find((m) => m.id === answer)?.body !== undefined, 'alice has the reply');
    await eventually(async () => (await a.messages()).find((m) => m.id === question)?.reactions.length === 1, 'alice sees the reaction');

    // Carol writes first: a message request alice has not accepted.
    const request = unwrap(await carol.engine.conversations.start([alice.account.handle]));
    const c = await scene.open(carol, request);
    unwrap(await c.send('Hello from a stranger'));
    await eventually(() => alice.engine.conversations.ids().includes(request), 'alice sees the request');
    await eventually(async () => (await bodiesOf(alice.engine, request)).includes('Hello from a stranger'), 'alice has the request message');

    const progress: ExportProgress[] = [];
    const { engine, most } = counting(alice.engine);
    const built = await buildExport({ api: apiOf(server, alice), engine, now: () => 1_700_000_000_000, onProgress: (p) => progress.push(p), pageSize: 2 });
    const exported = DataExport.parse(JSON.parse(JSON.stringify(unwrap(built))));

    expect(exported).toMatchObject({ format: EXPORT_FORMAT, version: 2, exportedAt: 1_700_000_000_000, communities: [], communityInvitations: [] });
    expect(exported.profile).toMatchObject({ id: alice.account.id, handle: alice.account.handle, displayName: 'Alice' });
    expect(exported.settings.privacy).toEqual({ contact: 'everyone', readReceipts: true, typing: true });
    expect(exported.server.memberships.map((m) => [m.docId, m.status]).sort()).toEqual(
      [
        [direct, 'accepted'],
        [request, 'request'],
      ].sort(),
    );
    expect(exported.server.sessions).toHaveLength(1);
    expect(progress.map((p) => `${p.done} of ${p.total}`)).toEqual(['0 of 2', '1 of 2', '2 of 2']);
    expect(progress.at(-1)?.messages).toBe(5);
    expect(most()).toBe(1);

    const withBob = exported.conversations.find((x) => x.id === direct)!;
    expect(withBob).toMatchObject({ kind: 'direct', title: 'Bob', request: false, complete: true, problem: null });
    expect(withBob.members.map((m) => m.accountId).sort()).toEqual([alice.account.id, bob.account.id].sort());
    // Paged two at a time, oldest first, nothing lost or repeated.
    expect(withBob.messages.map((m) => [m.author.name, m.body, m.deleted, m.edited])).toEqual([
      ['Alice', 'Does anyone have a spare ladder?', false, false],
      ['Bob', 'Yes, a tall one. Saturday?', false, false],
      ['Alice', 'Saturday works, thanks', false, true],
      ['Alice', null, true, false],
    ]);
    const [first, reply] = withBob.messages;
    expect(first!.author.accountId).toBe(alice.account.id);
    expect(reply!.author.accountId).toBe(bob.account.id);
    expect(reply!.replyTo).toBe(question);
    expect(first!.reactions).toEqual([{ emoji: '👍', by: [{ memberKey: reply!.author.memberKey, accountId: bob.account.id, name: 'Bob' }] }]);
    expect(withBob.messages.every((m) => m.verified)).toBe(true);
    expect(withBob.membershipHistory[0]).toMatchObject({ action: 'create', verified: true, accepted: true });

    const fromCarol = exported.conversations.find((x) => x.id === request)!;
    expect(fromCarol).toMatchObject({ request: true, complete: true });
    expect(fromCarol.messages.map((m) => [m.author.name, m.author.accountId, m.body])).toEqual([['Carol', carol.account.id, 'Hello from a stranger']]);
    // A deleted message's text is not in the file.
    expect(JSON.stringify(exported)).not.toContain('my address is');
  });

  it('fails as a value, with nothing built, when the server cannot be reached', async () => {
    const server = scene.serve(await startServer());
    const alice = await scene.device('alice');
    const offline = createApi({ baseUrl: server.url, fetch: () => Promise.reject(new TypeError('offline')), getToken: () => alice.token });
    let told = 0;
    const built = await buildExport({ api: offline, engine: alice.engine, now: () => 0, onProgress: () => told++ });
    expect(built).toEqual({ ok: false, code: 'network.offline' });
    expect(told).toBe(0);
  });

  it('exports a long history in order, a page at a time, and reports how long it took', async () => {
    const server = scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');
    await acceptRequest(server, bob, docId);
    const a = await scene.open(alice, docId);
    const count = 1000;
    // A hundred messages per signed entry: a long history without a thousand round trips to write it.
    const base = Date.now() - count;
    for (let batch = 0; batch < count; batch += 100) {
      a.replica.write((inner) => {
        for (let i = batch; i < batch + 100; i++) {
          unwrap(appendMessage(inner, { identity: alice.identity, docId, body: `message ${i}`, now: base + i, random: webRandom, origin: {} }));
        }
      });
    }
    const started = performance.now();
    const built = unwrap(await buildExport({ api: apiOf(server, alice), engine: alice.engine, now: () => 0 }));
    const ms = performance.now() - started;
    console.log(`data export: ${count} messages in one conversation took ${Math.round(ms)} ms`);
    expect(built.conversations[0]!.messages.map((m) => m.body)).toEqual(Array.from({ length: count }, (_, i) => `message ${i}`));
  });
});

describe('communities in the data export', () => {
  it('holds each community I belong to with its members, channels, threads and decrypted posts, my invitations by name, and no other community', async () => {
    const server = await serveNow();
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');
    const carol = await scene.device('carol');

    const communityId = unwrap(await alice.engine.communities.create({ name: 'Allotment', description: 'Growers on Elm Road' }));
    const invite = unwrap(await alice.engine.communities.createInvite(communityId));
    unwrap(await bob.engine.communities.joinByLink(invite.link));
    const ladder = unwrap(await alice.engine.communities.createThread(communityId, { kind: 'need', title: 'Need a ladder', body: 'Anyone have a ladder?' }));
    const seeds = unwrap(await alice.engine.communities.createThread(communityId, { kind: 'offer', title: 'Spare seeds', body: 'Tomato seeds, free' }));

    // Bob replies in the first thread; alice edits one post and deletes another in the second, and resolves the first.
    await eventually(() => bob.engine.communities.ids().includes(ladder), 'bob lists the thread');
    const bt = unwrap(await bob.engine.openThread(ladder));
    await eventually(async () => (await bt.messages()).length === 1, 'bob has the first post');
    const [question] = await bt.messages();
    unwrap(await bt.reply('I have one, a tall one', question!.id));
    await eventually(async () => (await bt.messages()).every((m) => !m.pending), 'bob’s reply is stored');
    await bt.close();
    const at = unwrap(await alice.engine.openThread(seeds));
    const typo = unwrap(await at.send('Collect from shed 4, tomorow'));
    unwrap(await at.edit(typo, 'Collect from shed 4, tomorrow'));
    const gone = unwrap(await at.send('the shed code is 4711'));
    unwrap(await at.delete(gone));
    await at.close();
    unwrap(await alice.engine.communities.setThreadStatus(communityId, ladder, 'resolved'));
    await waitForPost(alice, ladder, 'I have one, a tall one', 'alice has bob’s reply');
    await eventually(async () => {
      const s = await alice.engine.communities.state(communityId);
      return s.ok && s.value.members.length === 2 && !s.value.rolesDisagree;
    }, 'alice verifies bob’s join record');

    // Carol's own community, which alice is not in, and one carol invites her to directly.
    const quiet = unwrap(await carol.engine.communities.create({ name: 'Quiet room' }));
    unwrap(await carol.engine.communities.createThread(quiet, { kind: 'discussion', title: 'A private matter', body: 'not for alice' }));
    const swap = unwrap(await carol.engine.communities.create({ name: 'Seed swap' }));
    unwrap(await carol.engine.discovery.inviteByHandle(swap, alice.account.handle));
    await eventually(() => alice.engine.discovery.invitations().some((i) => i.communityId === swap && i.name === 'Seed swap'), 'alice reads the invitation');

    const progress: ExportProgress[] = [];
    const { engine, most } = counting(alice.engine);
    const built = await buildExport({ api: apiOf(server, alice), engine, now: () => 0, onProgress: (p) => progress.push(p), pageSize: 2 });
    const exported = DataExport.parse(JSON.parse(JSON.stringify(unwrap(built))));

    // Each thread is a step of the progress, and only one thread document is loaded at a time.
    expect(progress.map((p) => `${p.done} of ${p.total}, ${p.threads} threads`)).toEqual(['0 of 2, 2 threads', '1 of 2, 2 threads', '2 of 2, 2 threads']);
    expect(progress.at(-1)?.messages).toBe(5);
    expect(most()).toBe(1);

    expect(exported.conversations).toEqual([]);
    expect(exported.communities.map((c) => c.id)).toEqual([communityId]);
    expect(exported.communityInvitations).toEqual([{ id: swap, name: 'Seed swap' }]);
    const [allotment] = exported.communities;
    expect(allotment).toMatchObject({
      name: 'Allotment',
      description: 'Growers on Elm Road',
      myRole: 'owner',
      history: 'all',
      channels: [{ id: 'general', name: 'General' }],
      complete: true,
      problem: null,
    });
    expect(allotment!.members.map((m) => [m.displayName, m.role, m.verifiedRole, m.invited]).sort()).toEqual([
      ['Alice', 'owner', 'owner', false],
      ['Bob', 'member', 'member', false],
    ]);
    expect(allotment!.threads.map((t) => t.id).sort()).toEqual([ladder, seeds].sort());

    const need = allotment!.threads.find((t) => t.id === ladder)!;
    expect(need).toMatchObject({ channel: 'general', kind: 'need', status: 'resolved', title: 'Need a ladder', complete: true, problem: null });
    expect(need.author).toMatchObject({ accountId: alice.account.id, name: 'Alice' });
    expect(need.createdAt).toEqual(expect.any(Number));
    expect(need.lastActivity).toBeGreaterThanOrEqual(need.createdAt!);
    expect(need.posts.map((m) => [m.author.name, m.author.accountId, m.body])).toEqual([
      ['Alice', alice.account.id, 'Anyone have a ladder?'],
      ['Bob', bob.account.id, 'I have one, a tall one'],
    ]);
    expect(need.posts[1]!.replyTo).toBe(need.posts[0]!.id);

    const offer = allotment!.threads.find((t) => t.id === seeds)!;
    expect(offer).toMatchObject({ kind: 'offer', status: 'open', title: 'Spare seeds', complete: true });
    // Paged two at a time, oldest first, nothing lost or repeated.
    expect(offer.posts.map((m) => [m.body, m.edited, m.deleted])).toEqual([
      ['Tomato seeds, free', false, false],
      ['Collect from shed 4, tomorrow', true, false],
      [null, false, true],
    ]);
    expect([...need.posts, ...offer.posts].every((m) => m.verified)).toBe(true);

    const text = JSON.stringify(exported);
    expect(text).not.toContain('the shed code');
    expect(text).not.toContain(quiet);
    expect(text).not.toContain('not for alice');
  });
});

describe('a deleted account, seen by the people it talked with', () => {
  it('names its past messages and the conversation "Deleted account", on the open screen and in the export', async () => {
    const server = scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await scene.open(alice, docId);
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');
    await acceptRequest(server, bob, docId);
    const b = await scene.open(bob, docId);
    const said = unwrap(await b.send('I am leaving this service'));
    await eventually(async () => (await a.messages()).find((m) => m.id === said)?.authorName === 'Bob', 'alice has bob’s message');

    let changed = 0;
    a.subscribe(() => changed++);
    const deleted = await call(server, 'DELETE', '/api/account', { token: bob.token, json: { currentAuthKey: bob.authKey } });
    expect(deleted.status).toBe(200);

    await eventually(async () => (await a.messages()).find((m) => m.id === said)?.authorName === 'Deleted account', 'the author is a deleted account');
    expect(changed).toBeGreaterThan(0);
    expect(alice.engine.conversations.list().find((x) => x.id === docId)?.title).toBe('Deleted account');
    const exported = unwrap(await buildExport({ api: apiOf(server, alice), engine: alice.engine, now: () => 0 }));
    const message = exported.conversations[0]!.messages.find((m) => m.id === said)!;
    expect(message.author).toMatchObject({ accountId: bob.account.id, name: 'Deleted account' });
    expect(message.body).toBe('I am leaving this service');
    // The name the account went by is not kept for it any more.
    expect(alice.engine.conversations.knownName(docId, bob.account.id)).toBe('Deleted account');
  });
});
