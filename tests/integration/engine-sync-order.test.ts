// A write made between a document socket opening and the server's first frame arriving. The server refuses an
// update that depends on content it does not have (update.missing_dependencies) and closes the socket, as it must.
// The device used to send such a write on its own at once: when what came before it (the conversation's first
// entries, never synced yet) was still only on the device, the server refused it, the device took the refusal
// as final, and the message stayed Pending for good (seen in the e2e suite on a slow machine).
import { describe, expect, it } from 'vitest';
import { eventually } from './helpers/engine-device';
import { engineScene, unwrap } from './helpers/engine-scene';
import { startServer } from './helpers/server';

const scene = engineScene();

describe('a write made while a document socket is opening', () => {
  it('reaches the server with what came before it, and the other member reads it', async () => {
    scene.serve(await startServer());
    const alice = await scene.device('alice');
    const bob = await scene.device('bob');

    // From here, what the server sends Alice waits: her sockets open, but no first frame has arrived yet.
    let deliver!: () => void;
    alice.incoming = new Promise<void>((resolve) => (deliver = resolve));
    alice.opened = [];
    const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
    const a = await scene.open(alice, docId);
    await eventually(() => alice.opened!.includes(docId), 'the conversation socket is open');
    expect(a.connectionState()).toBe('connected');
    // The same socket carries it: not refused and sent again on a new one (which would also get it there, later).
    const states: string[] = [];
    a.subscribe(() => states.push(a.connectionState()));
    unwrap(await a.send('written before the server said anything'));
    // Let the write go out (a socket send is a macrotask away) while the server's frames are still held.
    await new Promise((resolve) => setTimeout(resolve, 200));
    alice.incoming = undefined;
    deliver();

    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'the server stored the message');
    expect(a.connectionState()).toBe('synced');
    expect(a.refusal()).toBeNull();
    expect(states.filter((state) => state !== 'connected' && state !== 'synced')).toEqual([]);
    await eventually(() => bob.engine.conversations.ids().includes(docId), 'Bob has the request');
    const b = await scene.open(bob, docId);
    await eventually(async () => (await b.messages()).some((m) => m.body === 'written before the server said anything'), 'Bob reads it');
  });
});
