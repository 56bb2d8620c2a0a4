// Typing indicators through the real server: encrypted awareness, relayed as ciphertext only.
import * as decoding from 'lib0/decoding';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import type { DocConnection } from '../../lib/client/engine/doc-connection';
import { memberKeyOf } from '../../lib/docs';
import { fromBase64url } from '../../lib/protocol/base64url';
import { decodeAwarenessUpdate, MESSAGE_AWARENESS } from '../../lib/protocol/sync-frames';
import { eventually, type Device } from './helpers/engine-device';
import { startServer, type TestServer } from './helpers/server';
import { engineScene } from './helpers/engine-scene';

const scene = engineScene();
let server: TestServer | undefined;

/** The socket of the document on screen (setOpen with the same id hands back the live one). */
async function socketOf(d: Device, docId: string): Promise<DocConnection> {
  const connection = await d.engine.sync.setOpen(docId);
  if (!connection) throw new Error('no socket for the open document');
  return connection;
}

/** Records every awareness update the server relays to this socket, as received. */
function captureAwareness(connection: DocConnection): Buffer[] {
  const frames: Buffer[] = [];
  const handlers = connection.provider.messageHandlers;
  const relay = handlers[MESSAGE_AWARENESS]!;
  handlers[MESSAGE_AWARENESS] = (encoder, decoder, provider, emitSynced, type) => {
    frames.push(Buffer.from(decoding.readVarUint8Array(decoding.clone(decoder))));
    relay(encoder, decoder, provider, emitSynced, type);
  };
  return frames;
}

async function pair() {
  const { server: started, alice, bob, docId, a, b } = await scene.acceptedPair(await startServer());
  server = started;
  const socketA = await socketOf(alice, docId);
  const socketB = await socketOf(bob, docId);
  await eventually(() => socketA.state === 'synced' && socketB.state === 'synced', 'both sockets are synced');
  return { alice, bob, docId, a, b, socketA, socketB };
}

describe('typing indicators', () => {
  it('shows Bob that Alice is typing and then that she stopped, relaying only ciphertext', async () => {
    const { alice, docId, a, b, socketA, socketB } = await pair();
    const frames = captureAwareness(socketB);
    // Nothing is said until there is something to say.
    expect(socketA.awareness.getLocalState()).toBeNull();
    expect(b.typing()).toEqual([]);

    a.setTyping(true);
    await eventually(() => b.typing().length === 1, 'bob sees alice typing');
    expect(b.typing()).toEqual([{ memberKey: memberKeyOf(alice.identity.signing.publicKey), name: 'Alice' }]);
    expect(a.typing()).toEqual([]);

    a.setTyping(false);
    await eventually(() => b.typing().length === 0, 'bob sees alice stop typing');

    // What the server relayed: Alice's states, each only { v, e, n, c }, without her key or the flag in clear.
    const aliceKey = memberKeyOf(alice.identity.signing.publicKey);
    const states = frames
      .flatMap((f) => decodeAwarenessUpdate(f) ?? [])
      .filter((e) => e.clientId === socketA.awareness.clientID && e.state !== 'null');
    expect(states.length).toBeGreaterThanOrEqual(2);
    for (const frame of frames) {
      expect(frame.includes(aliceKey)).toBe(false);
      expect(frame.includes('typing')).toBe(false);
      expect(frame.includes('"t":')).toBe(false);
    }
    // Positive control: the same frames open with the document key and say typing, then not typing.
    const { keys } = await alice.engine.conversations.acquire(docId);
    alice.engine.conversations.release(docId);
    const flags = states.map((e) => {
      const sealed = JSON.parse(e.state) as { v: number; e: number; n: string; c: string };
      expect(Object.keys(sealed).sort()).toEqual(['c', 'e', 'n', 'v']);
      const opened = nacl.secretbox.open(fromBase64url(sealed.c)!, fromBase64url(sealed.n)!, keys.get(sealed.e)!);
      const inner = JSON.parse(new TextDecoder().decode(opened!)) as { k: string; t: boolean };
      expect(inner.k).toBe(aliceKey);
      return inner.t;
    });
    expect(flags[0]).toBe(true);
    expect(flags.at(-1)).toBe(false);
    // Bob's provider did not echo Alice's state back (the server refuses a socket speaking for another client).
    expect(server!.logs.some((line) => line.includes('awareness.client_id_taken'))).toBe(false);
    expect(socketB.state).toBe('synced');
  });

  it('ignores an awareness state that does not open with the document key', async () => {
    const { a, b, socketA, socketB } = await pair();
    // A stock client announcing itself in clear, on Alice's socket.
    socketA.awareness.setLocalState({ user: { name: 'Alice' }, typing: true });
    await eventually(() => socketB.awareness.getStates().has(socketA.awareness.clientID), 'bob receives the plaintext state');
    await new Promise((resolve) => setImmediate(resolve));
    expect(b.typing()).toEqual([]);
    // The real indicator still works afterwards.
    a.setTyping(true);
    await eventually(() => b.typing().length === 1, 'bob sees alice typing');
  });

  it('drops the indicator when the typing member leaves the conversation screen', async () => {
    const { a, b } = await pair();
    a.setTyping(true);
    await eventually(() => b.typing().length === 1, 'bob sees alice typing');
    await a.close();
    await eventually(() => b.typing().length === 0, 'the indicator goes with her socket');
  });
});
