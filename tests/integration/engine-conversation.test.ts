import { afterEach, describe, expect, it } from 'vitest';
import { eventually, makeDevice, type Device } from './helpers/engine-device';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer;
const devices: Device[] = [];

afterEach(async () => {
  for (const d of devices.splice(0)) await d.engine.stop();
  await server?.dispose();
});

async function device(name: string): Promise<Device> {
  const d = await makeDevice(server, name);
  devices.push(d);
  await d.engine.start();
  return d;
}

describe('the client engine against the real server', () => {
  it('starts a conversation, exchanges messages live and clears Pending once the server stored them', async () => {
    server = await startServer();
    const alice = await device('alice');
    const bob = await device('bob');

    const started = await alice.engine.conversations.start([bob.account.handle]);
    expect(started.ok).toBe(true);
    const docId = started.ok ? started.value : '';
    const a = await alice.engine.open(docId);
    const sent = await a.send('hello bob');
    expect(sent.ok).toBe(true);

    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation in his list');
    const b = await bob.engine.open(docId);
    await eventually(async () => (await b.messages()).some((m) => m.body === 'hello bob'), 'bob receives the message');
    const [first] = await b.messages();
    expect(first).toMatchObject({ body: 'hello bob', authorName: 'Alice', verified: true, mine: false });

    await b.send('hi alice');
    await eventually(async () => (await a.messages()).some((m) => m.body === 'hi alice'), 'alice receives the reply live');
    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'alice has nothing pending');
    await eventually(async () => (await b.messages()).every((m) => !m.pending), 'bob has nothing pending');
    expect((await a.messages()).map((m) => m.body)).toEqual(['hello bob', 'hi alice']);
    await a.close();
    await b.close();
  });

  it('keeps writes made offline as Pending and delivers them in order when the network returns', async () => {
    server = await startServer();
    const alice = await device('alice');
    const bob = await device('bob');
    const started = await alice.engine.conversations.start([bob.account.handle]);
    const docId = started.ok ? started.value : '';
    let a = await alice.engine.open(docId);
    await a.send('before');
    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'the first message is stored');

    await a.close();
    alice.goOffline();
    a = await alice.engine.open(docId);
    for (const body of ['one', 'two', 'three']) await a.send(body);
    const offline = await a.messages();
    expect(offline.filter((m) => m.pending).map((m) => m.body)).toEqual(['one', 'two', 'three']);

    await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');
    const b = await bob.engine.open(docId);
    await eventually(async () => (await b.messages()).some((m) => m.body === 'before'), 'bob has the first message');
    expect((await b.messages()).map((m) => m.body)).toEqual(['before']);

    await a.close();
    alice.goOnline();
    a = await alice.engine.open(docId);
    await eventually(async () => (await b.messages()).length === 4, 'bob receives the three offline messages');
    expect((await b.messages()).map((m) => m.body)).toEqual(['before', 'one', 'two', 'three']);
    await eventually(async () => (await a.messages()).every((m) => !m.pending), 'nothing stays pending');
    await a.close();
    await b.close();
  });
});
