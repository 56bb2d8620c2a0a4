// A person in 300 conversations that keep changing stays within a handful of sockets and ends current.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, makeDevice, type Device } from './helpers/engine-device';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer | undefined;
const devices: Device[] = [];

afterEach(async () => {
  for (const d of devices.splice(0)) await d.engine.stop();
  await server?.dispose();
  server = undefined;
});

const CONVERSATIONS = Number(process.env.SOCKETS_CONVERSATIONS ?? 300);
/** The event stream, the document on screen and two short syncs. */
const HANDFUL = 4;

describe('socket budget', () => {
  // The ceiling is generous: 34 s on an idle 2-core machine, over 180 s with it loaded six times over.
  it(`keeps a device in ${CONVERSATIONS} changing conversations within ${HANDFUL} sockets, and every conversation ends current`, async () => {
    server = await startServer();
    const reader = await makeDevice(server, 'reader');
    const writer = await makeDevice(server, 'writer');
    devices.push(reader, writer);
    await reader.engine.start();
    await writer.engine.start();

    let most = 0;
    const sample = setInterval(() => {
      most = Math.max(most, reader.engine.sync.socketCount);
    }, 2);
    try {
      const last = new Map<string, string>();
      for (let i = 0; i < CONVERSATIONS; i++) {
        const started = await writer.engine.conversations.start([reader.account.handle], { title: `Need ${i}` });
        expect(started.ok).toBe(true);
        if (!started.ok) return;
        const conversation = await writer.engine.open(started.value);
        const body = `first note in ${i}`;
        await conversation.send(body);
        last.set(started.value, body);
        await conversation.close();
      }
      // Later changes land in conversations the reader does not have on screen.
      const ids = [...last.keys()];
      for (let i = 0; i < 60; i++) {
        const docId = ids[(i * 37) % ids.length]!;
        const conversation = await writer.engine.open(docId);
        const body = `update ${i}`;
        await conversation.send(body);
        last.set(docId, body);
        await conversation.close();
      }
      // Every one is a message request on the reader's device: all(), not the accepted list.
      await eventually(
        () => {
          const list = reader.engine.conversations.all();
          return list.length === CONVERSATIONS && list.every((c) => c.lastMessage?.body === last.get(c.id));
        },
        `the reader has the newest message of all ${CONVERSATIONS} conversations`,
        240_000,
      ).catch((error: unknown) => {
        const behind = reader.engine.conversations.all().filter((c) => c.lastMessage?.body !== last.get(c.id));
        throw new Error(`${String(error)}; ${behind.length} conversations behind, e.g. ${JSON.stringify(behind.slice(0, 3).map((c) => [c.lastMessage?.body, last.get(c.id)]))}`);
      });
    } finally {
      clearInterval(sample);
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(HANDFUL);
  }, 480_000);
});
