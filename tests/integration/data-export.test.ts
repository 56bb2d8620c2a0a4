// "Export my data" (lib/client/export.ts) with real engines against the real server: the file holds the
// decrypted messages of every conversation (requests too), the people, the server's metadata, and is built
// one conversation at a time. Also: others name a deleted account's messages "Deleted account" (issue 7).
import { describe, expect, it } from 'vitest';
import { createApi } from '../../lib/client/api';
import { webRandom } from '../../lib/crypto';
import { appendMessage } from '../../lib/docs';
import type { Engine } from '../../lib/client/engine/engine';
import { buildExport, DataExport, EXPORT_FORMAT, type ExportEngine, type ExportProgress } from '../../lib/client/export';
import { acceptRequest } from './helpers/accept-request';
import { call } from './helpers/api';
import { eventually, type Device } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

const apiOf = (server: { url: string }, d: Device) => createApi({ baseUrl: server.url, fetch, getToken: () => d.token });

/** The engine as the export sees it, counting how many conversations are loaded for it at once. */
function counting(engine: Engine): { engine: ExportEngine; most: () => number } {
  let now = 0;
  let most = 0;
  return {
    most: () => most,
    engine: {
      conversations: engine.conversations,
      async read(docId) {
        const opened = await engine.read(docId);
        if (!opened.ok) return opened;
        most = Math.max(most, ++now);
        const reader = opened.value;
        return { ok: true, value: { ...reader, close: () => (now--, reader.close()) } };
      },
    },
  };
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

    expect(exported).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: 1_700_000_000_000 });
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
