// Safety numbers and key-change warnings, groups' membership history and names, against the real server.
// A changed identity key is simulated the way an attacker would do it: the server hands out another key.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../../lib/crypto';
import { toBase64url } from '../../lib/protocol/base64url';
import { accounts } from '../../sync-server/db/schema';
import { acceptRequest } from './helpers/accept-request';
import { eventually, makeDevice, type Device } from './helpers/engine-device';
import { deviceOf, type SameAccountDevice } from './helpers/engine-same-account';
import { startServer, type TestServer } from './helpers/server';
import { engineScene, unwrap } from './helpers/engine-scene';

const scene = engineScene();
let server: TestServer | undefined;

async function person(name: string): Promise<SameAccountDevice> {
  const signedUp = await makeDevice(server!, name);
  await signedUp.engine.stop();
  const d = await deviceOf(server!, name, signedUp);
  scene.track(d);
  await d.engine.start();
  return d;
}

const open = scene.open;

describe('safety numbers and identity key changes', () => {
  it('shows both people the same safety number and warns, persistently, when a verified key changes', async () => {
    server = scene.serve(await startServer());
    const alice = await person('alice');
    const bob = await person('bob');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');

    const number = unwrap(await alice.engine.safetyNumber(bob.account.id));
    expect(number).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(unwrap(await bob.engine.safetyNumber(alice.account.id))).toBe(number);
    expect(alice.engine.verificationStatus(bob.account.id)).toBe('unverified');
    expect(await alice.engine.safetyNumber('AAAAAAAAAAAAAAAAAAAAAA')).toEqual({ ok: false, code: 'account.not_found' });

    // Verifying needs the number that was compared; a stale one is refused.
    const wrong = number.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    expect(await alice.engine.markVerified(bob.account.id, { safetyNumber: wrong })).toEqual({ ok: false, code: 'request.invalid' });
    expect(await alice.engine.markVerified(bob.account.id, { safetyNumber: number })).toEqual({ ok: true, value: undefined });
    expect(alice.engine.verificationStatus(bob.account.id)).toBe('verified');
    expect(alice.engine.keyWarnings(docId)).toEqual([]);

    // The server now hands out another signing key for Bob.
    const swapped = generateIdentity().signing.publicKey;
    server.db.orm.update(accounts).set({ signingPublicKey: Buffer.from(swapped) }).where(eq(accounts.id, bob.account.id)).run();
    unwrap(await alice.engine.conversations.refresh());
    const warning = {
      accountId: bob.account.id,
      name: 'Bob',
      verifiedKey: toBase64url(bob.identity.signing.publicKey),
      currentKey: toBase64url(swapped),
    };
    expect(alice.engine.keyWarnings(docId)).toEqual([warning]);
    expect(alice.engine.verificationStatus(bob.account.id)).toBe('changed');
    expect(unwrap(await alice.engine.safetyNumber(bob.account.id))).not.toBe(number);
    const a = await open(alice, docId);
    expect(a.keyWarnings()).toEqual([warning]);
    await a.close();

    // Persistent: after a reload without network the warning is still there.
    await alice.engine.stop();
    const reloaded = await deviceOf(server, 'alice', alice, { dbName: alice.dbName, online: false });
    scene.track(reloaded);
    await reloaded.engine.start();
    expect(reloaded.engine.keyWarnings(docId)).toEqual([warning]);

    // Until the new key is verified.
    reloaded.goOnline();
    expect((await reloaded.engine.markVerified(bob.account.id)).ok).toBe(true);
    expect(reloaded.engine.keyWarnings(docId)).toEqual([]);
    expect(reloaded.engine.verificationStatus(bob.account.id)).toBe('verified');
  });
});

describe('groups', () => {
  it('shows who added or removed whom, from the signed records, on another member\'s device', async () => {
    server = scene.serve(await startServer());
    const alice = await person('alice');
    const bob = await person('bob');
    const carol = await person('carol');
    const dave = await person('dave');
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle, carol.account.handle], { title: 'Tools' }));
    // Bob's device saw Carol as a member, so it can still name her after she is removed.
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the group');
    unwrap(await alice.engine.conversations.addMember(docId, dave.account.handle));
    unwrap(await alice.engine.conversations.removeMember(docId, carol.account.id));

    await eventually(async () => {
      const history = await bob.engine.history(docId);
      return history.ok && history.value.length === 3;
    }, 'bob has the three membership records');
    const history = unwrap(await bob.engine.history(docId));
    expect(history.map((e) => [e.action, e.actor.name, e.subjects.map((s) => s.name), e.verified, e.accepted])).toEqual([
      ['create', 'Alice', ['Alice', 'You', 'Carol'], true, true],
      ['add', 'Alice', ['Dave'], true, true],
      ['remove', 'Alice', ['Carol'], true, true],
    ]);
    expect(history[2]!.subjects[0]!.accountId).toBe(carol.account.id);
    await eventually(() => !bob.engine.conversations.view(docId)!.members.some((m) => m.accountId === carol.account.id), 'carol has left bob\'s member list');
    expect(unwrap(await bob.engine.history(docId)).at(-1)!.subjects[0]!.name).toBe('Carol');
    expect(history.every((e, i) => i === 0 || e.at >= history[i - 1]!.at)).toBe(true);
    expect(await bob.engine.history('AAAAAAAAAAAAAAAAAAAAAA')).toEqual({ ok: false, code: 'doc.not_found' });
  });

  it('renames a group for every member, and refuses to rename a one-to-one conversation', async () => {
    server = scene.serve(await startServer());
    const alice = await person('alice');
    const bob = await person('bob');
    const group = unwrap(await alice.engine.conversations.start([bob.account.handle], { title: 'Tools' }));
    const direct = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    await eventually(() => bob.engine.conversations.ids().includes(group), 'bob sees the group');
    await acceptRequest(server, bob, group);
    const b = await open(bob, group);
    expect(await b.rename('Garden tools')).toEqual({ ok: true, value: 'Garden tools' });
    expect(await b.rename('   ')).toEqual({ ok: false, code: 'conversation.invalid_title' });
    await eventually(() => alice.engine.conversations.list().find((c) => c.id === group)?.title === 'Garden tools', 'alice sees the new name');
    const d = await open(alice, direct);
    expect(await d.rename('Us two')).toEqual({ ok: false, code: 'conversation.not_group' });
  });
});
