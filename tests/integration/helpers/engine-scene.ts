// The shared set-up of engine tests: devices and open conversations made through it are closed, and the
// server disposed, after each test, in that order (engines before the server they talk to).
import { afterEach } from 'vitest';
import type { OpenConversation } from '../../../lib/client/engine/engine';
import { acceptRequest } from './accept-request';
import { eventually, makeDevice, type Device } from './engine-device';
import type { TestServer } from './server';

export function engineScene() {
  let server: TestServer | undefined;
  const devices: Device[] = [];
  const opened: OpenConversation[] = [];

  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    for (const d of devices.splice(0)) await d.engine.stop();
    await server?.dispose();
    server = undefined;
  });

  /** Registers the test's server for disposal and returns it. */
  function serve(started: TestServer): TestServer {
    server = started;
    return started;
  }
  /** A new signed-up device with its engine started. */
  async function device(name: string): Promise<Device> {
    if (!server) throw new Error('engineScene: serve() a server first');
    const d = await makeDevice(server, name);
    devices.push(d);
    await d.engine.start();
    return d;
  }
  async function open(d: Device, docId: string): Promise<OpenConversation> {
    const c = await d.engine.open(docId);
    opened.push(c);
    return c;
  }

  return {
    serve,
    device,
    open,
    /** Devices made elsewhere (a second device of an account, a reload) that must stop after the test. */
    track(d: Device): Device {
      devices.push(d);
      return d;
    },
    /** On `started`: Alice starts a one-to-one conversation with Bob, Bob accepts it, and it is open on both devices. */
    async acceptedPair(started: TestServer) {
      serve(started);
      const alice = await device('alice');
      const bob = await device('bob');
      const docId = unwrap(await alice.engine.conversations.start([bob.account.handle]));
      const a = await open(alice, docId);
      await eventually(() => bob.engine.conversations.ids().includes(docId), 'bob sees the conversation');
      await acceptRequest(started, bob, docId);
      const b = await open(bob, docId);
      return { server: started, alice, bob, docId, a, b };
    },
  };
}

export function unwrap<T>(result: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}`);
  return result.value;
}

/** Opens the thread on the device until its posts include `body` (as a screen would, with its socket). */
export async function waitForPost(d: Device, threadId: string, body: string, what: string): Promise<void> {
  const t = unwrap(await d.engine.openThread(threadId));
  try {
    await eventually(async () => (await t.messages()).some((m) => m.body === body), what);
  } finally {
    await t.close();
  }
}
