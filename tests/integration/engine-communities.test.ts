// Communities through the client engine against the real server: create, invite link, join, a Need thread with
// replies, mark resolved, removal with rotation; and a canary: names, titles and posts never reach the server's
// files in clear.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Device } from './helpers/engine-device';
import { eventually, startDevice } from './helpers/engine-device';
import { engineScene, unwrap, waitForPost } from './helpers/engine-scene';
import { startServer, type TestServer } from './helpers/server';

const scene = engineScene();

/** The server's fake clock starts in the past; invite expiry is checked against it, the engines use real time. */
async function serve(): Promise<TestServer> {
  const server = scene.serve(await startServer());
  server.clock.advance(Date.now() - server.clock.now());
  return server;
}

/** Owner, B and C in one community, B's Need thread with C's reply. */
async function communityWithThread(marker = '') {
  const tag = (text: string) => (marker ? `${text} ${marker}` : text);
  const owner = await scene.device('owner');
  const b = await scene.device('bee');
  const c = await scene.device('cee');
  const t0 = Date.now();
  const communityId = unwrap(await owner.engine.communities.create({ name: tag('Allotment'), description: tag('Growers') }));
  const invite = unwrap(await owner.engine.communities.createInvite(communityId));
  const created = Date.now() - t0;
  expect(invite.link).toMatch(/^\/join#[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

  const t1 = Date.now();
  expect(unwrap(await b.engine.communities.joinByLink(invite.link))).toBe(communityId);
  await eventually(async () => {
    const s = await b.engine.communities.state(communityId);
    return s.ok && s.value.name === tag('Allotment');
  }, 'B reads the community document');
  const joined = Date.now() - t1;
  const threadId = unwrap(
    await b.engine.communities.createThread(communityId, { kind: 'need', title: tag('Need a ladder'), body: tag('Anyone have a ladder?') }),
  );
  unwrap(await c.engine.communities.joinByLink(invite.link));
  await eventually(() => c.engine.communities.ids().includes(threadId), 'C lists the thread');
  return { owner, b, c, communityId, threadId, figures: { created, joined } };
}



describe('communities in the client engine', () => {
  it('creates a community, joins by link, posts a Need, replies and marks it resolved for every member', async () => {
    const server = await serve();
    const { owner, b, c, communityId, threadId, figures } = await communityWithThread();
    console.log(`create + invite link ${figures.created} ms, join by link until the document reads ${figures.joined} ms`);

    expect(owner.engine.communities.list()).toEqual([expect.objectContaining({ id: communityId, name: 'Allotment', myRole: 'owner' })]);
    await eventually(() => b.engine.communities.list().some((s) => s.id === communityId && s.myRole === 'member'), 'B lists the community');

    const ct = unwrap(await c.engine.openThread(threadId));
    await eventually(async () => (await ct.messages()).some((m) => m.body === 'Anyone have a ladder?'), 'C reads the first post');
    const [first] = await ct.messages();
    expect(first).toMatchObject({ verified: true, authorName: 'Bee', mine: false });
    unwrap(await ct.reply('I have one', first!.id));
    await eventually(async () => (await ct.messages()).every((m) => !m.pending), 'C’s reply is stored');
    await ct.close();
    await waitForPost(b, threadId, 'I have one', 'B sees C’s reply');

    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId, { kind: 'need', status: 'open' });
      return s.ok && s.value.threads.some((t) => t.id === threadId);
    }, 'the owner sees the open Need');
    unwrap(await owner.engine.communities.setThreadStatus(communityId, threadId, 'resolved'));
    await eventually(async () => {
      const s = await b.engine.communities.state(communityId, { status: 'resolved' });
      return s.ok && s.value.threads.some((t) => t.id === threadId && t.kind === 'need' && t.title === 'Need a ladder');
    }, 'B sees the thread resolved');

    // Every member's signed join record arrives: the roles the records give agree with the server's list.
    await eventually(async () => {
      const s = await owner.engine.communities.state(communityId);
      return s.ok && s.value.members.length === 3 && !s.value.rolesDisagree;
    }, 'the roles verify for all three members');
    const s = unwrap(await owner.engine.communities.state(communityId));
    expect(s.members.map((m) => m.verifiedRole).sort()).toEqual(['member', 'member', 'owner']);
    expect(s.channels).toEqual([{ id: 'general', name: 'General' }]);

    // The list shows offline after a reload, from the sealed cache.
    const dbName = (b as Device & { dbName: string }).dbName;
    await b.engine.stop();
    const reloaded = scene.track(await startDevice(server, b, { dbName, online: false }));
    await reloaded.engine.start();
    expect(reloaded.engine.communities.list()).toEqual([expect.objectContaining({ id: communityId, name: 'Allotment', myRole: 'member' })]);

    // A plain member cannot resolve someone else's thread.
    expect(await c.engine.communities.setThreadStatus(communityId, threadId, 'open')).toEqual({ ok: false, code: 'community.not_allowed' });
  });

  it('hides on my device the posts of someone I blocked, the others’ posts staying as they are', async () => {
    await serve();
    const { b, c, threadId } = await communityWithThread();
    const ct = unwrap(await c.engine.openThread(threadId));
    await eventually(async () => (await ct.messages()).length === 1, 'C has the first post');
    unwrap(await ct.send('a reply from C'));
    await eventually(async () => (await ct.messages()).every((m) => !m.pending), 'C’s post is stored');
    await ct.close();

    unwrap(await b.engine.privacy.block(c.account.id));
    const bt = unwrap(await b.engine.openThread(threadId));
    await eventually(async () => (await bt.messages()).length === 2, 'B has both posts');
    expect((await bt.messages()).map((m) => [m.body, m.blockedAuthor])).toEqual([
      ['Anyone have a ladder?', false],
      ['a reply from C', true],
    ]);
    unwrap(await b.engine.privacy.unblock(c.account.id));
    expect((await bt.messages()).every((m) => !m.blockedAuthor)).toBe(true);
    await bt.close();
  });

  it('removes a member with a rotation: the removed device never holds what is posted after', async () => {
    await serve();
    const { owner, b, c, communityId, threadId } = await communityWithThread();
    const ct = unwrap(await c.engine.openThread(threadId));
    await eventually(async () => (await ct.messages()).length === 1, 'C has the first post');

    unwrap(await owner.engine.communities.removeMember(communityId, c.account.id));
    const ot = unwrap(await owner.engine.openThread(threadId));
    await eventually(async () => (await ot.messages()).length === 1, 'the owner has the first post');
    unwrap(await ot.send('after C left'));
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the post is stored');
    await ot.close();
    await waitForPost(b, threadId, 'after C left', 'B reads the post made after the removal');

    await eventually(() => !c.engine.communities.list().some((s) => s.id === communityId), 'C no longer lists the community');
    expect((await ct.messages()).map((m) => m.body)).not.toContain('after C left');
    await ct.close();
    expect(await c.engine.openThread(threadId)).toEqual({ ok: false, code: 'doc.not_found' });
    // The device forgets the community: its keys and stored entries go.
    await eventually(async () => (await c.engine.store.open(`keys:${communityId}`)) === null, 'C’s device wipes the community’s keys');
  });

  it('refuses a revoked link; a member who leaves is rotated out by the next post', async () => {
    await serve();
    const { owner, b, c, communityId, threadId } = await communityWithThread();
    const link = unwrap(await owner.engine.communities.createInvite(communityId, { ttlMs: 24 * 3600 * 1000, maxUses: 1 }));
    expect(unwrap(await owner.engine.communities.invites(communityId)).find((i) => i.id === link.inviteId)).toMatchObject({ maxUses: 1, uses: 0, status: 'active' });
    unwrap(await owner.engine.communities.revokeInvite(communityId, link.inviteId));
    expect(unwrap(await owner.engine.communities.invites(communityId)).find((i) => i.id === link.inviteId)).toMatchObject({ revoked: true, status: 'revoked' });
    expect(await b.engine.communities.invites(communityId)).toEqual({ ok: false, code: 'community.not_allowed' });
    const d = await scene.device('dee');
    expect(await d.engine.communities.joinByLink(link.link)).toEqual({ ok: false, code: 'invite.revoked' });
    expect(await d.engine.communities.joinByLink('/join#not-a-link')).toEqual({ ok: false, code: 'request.invalid' });
    expect(d.engine.communities.list()).toEqual([]);

    let leaveFlushed: boolean | null = null;
    unwrap(await c.engine.communities.leave(communityId, async (replica) => (leaveFlushed = await replica.flushed(5_000))));
    expect(leaveFlushed).toBe(true);
    expect(c.engine.communities.list()).toEqual([]);
    await eventually(() => owner.engine.communities.view(communityId)?.rotationNeeded === true, 'the owner hears that C left');
    const ot = unwrap(await owner.engine.openThread(threadId));
    unwrap(await ot.send('after C left by choice'));
    expect(owner.engine.communities.view(communityId)).toMatchObject({ epoch: 1, rotationNeeded: false });
    await eventually(async () => (await ot.messages()).every((m) => !m.pending), 'the post is stored');
    await ot.close();
    await waitForPost(b, threadId, 'after C left by choice', 'B reads the post sealed with the new epoch key');
  });

  it('keeps community names, thread titles and posts out of the database and its WAL', async () => {
    const server = await serve();
    const marker = `canary${randomBytes(6).toString('hex')}`;
    const { b, threadId } = await communityWithThread(marker);
    await waitForPost(b, threadId, `Anyone have a ladder? ${marker}`, 'the post reads back');
    await eventually(async () => {
      const bs = b.engine.communities.list();
      return bs.length === 1 && bs[0]!.name === `Allotment ${marker}`;
    }, 'B lists the community by name');

    const files = new Map<string, Buffer>();
    for (const name of readdirSync(server.dataDir, { recursive: true }) as string[]) {
      const path = join(server.dataDir, name);
      if (statSync(path).isFile()) files.set(name, readFileSync(path));
    }
    expect([...files.keys()].some((n) => n.endsWith('-wal'))).toBe(true);
    const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
    const found = [...files].filter(([, bytes]) => needles.some((n) => bytes.includes(n))).map(([name]) => name);
    expect(found).toEqual([]);
    // Positive control: the scan reads the right bytes (a handle is stored in clear).
    expect([...files.values()].some((bytes) => bytes.includes(Buffer.from(b.account.handle)))).toBe(true);
  });
});
