// Seeded convergence: three devices and the real server, random order of sends, random disconnects and
// reconnects, offline writes on all sides; all end with the same messages. A failure prints its seed:
// replay it with CONVERGENCE_SEED=<seed>.
import { afterEach, describe, expect, it } from 'vitest';
import type { OpenConversation } from '../../lib/client/engine/engine';
import { acceptRequest } from './helpers/accept-request';
import { eventually, makeDevice, type Device } from './helpers/engine-device';
import { prng } from './helpers/prng';
import { startServer, type TestServer } from './helpers/server';

let server: TestServer | undefined;
const devices: Device[] = [];

afterEach(async () => {
  for (const d of devices.splice(0)) await d.engine.stop();
  await server?.dispose();
  server = undefined;
});

const seeds = process.env.CONVERGENCE_SEED ? [Number(process.env.CONVERGENCE_SEED)] : [11, 2026, 90210];
/** Every other seed also compacts: snapshots with removals race ordinary writes. */
const compactAt = (seed: number): number | undefined => (seed % 2 === 0 ? 12 : undefined);

describe('convergence of three devices through the real server', () => {
  for (const seed of seeds) {
    const compacting = compactAt(seed) !== undefined;
    it(`ends with the same messages everywhere after random sends, disconnects and offline writes${compacting ? ' and compactions' : ''} (seed ${seed})`, async () => {
      const random = prng(seed);
      server = await startServer();
      const names = ['ana', 'ben', 'cai'];
      for (const name of names) {
        const at = compactAt(seed);
        const d = await makeDevice(server, name, at === undefined ? {} : { compactAt: at });
        devices.push(d);
        await d.engine.start();
      }
      const [ana, ben, cai] = devices as [Device, Device, Device];
      const started = await ana.engine.conversations.start([ben.account.handle, cai.account.handle], { title: 'Garden tools' });
      expect(started.ok, `seed ${seed}`).toBe(true);
      const docId = started.ok ? started.value : '';
      for (const d of [ben, cai]) {
        await eventually(() => d.engine.conversations.ids().includes(docId), `${d.name} sees the group (seed ${seed})`);
        // Ana is new to them: the group is a message request for each until they accept it.
        await acceptRequest(server, d, docId);
      }
      const open = new Map<Device, OpenConversation>();
      for (const d of devices) open.set(d, await d.engine.open(docId));

      const sent: string[] = [];
      for (let step = 0; step < 45; step++) {
        const d = random.pick(devices);
        const roll = random.next();
        if (roll < 0.7) {
          const body = `${d.name} #${step} ${random.int(1000)}`;
          const result = await open.get(d)!.send(body);
          expect(result.ok, `seed ${seed} step ${step}`).toBe(true);
          sent.push(body);
        } else if (roll < 0.85 && d.online) {
          await open.get(d)!.close();
          d.goOffline();
          open.set(d, await d.engine.open(docId));
        } else if (!d.online) {
          await open.get(d)!.close();
          d.goOnline();
          open.set(d, await d.engine.open(docId));
        }
        // Let the event loop deliver some frames between steps, at random.
        if (random.next() < 0.5) await new Promise((r) => setImmediate(r));
      }

      for (const d of devices) {
        if (!d.online) {
          await open.get(d)!.close();
          d.goOnline();
          open.set(d, await d.engine.open(docId));
        }
      }
      const bodiesOf = async (d: Device) => (await open.get(d)!.messages()).map((m) => m.body);
      for (const d of devices) {
        await eventually(async () => (await bodiesOf(d)).length === sent.length, `${d.name} has all ${sent.length} messages (seed ${seed})`, 30_000);
      }
      const reference = await open.get(ana)!.messages();
      expect(new Set(reference.map((m) => m.body)), `seed ${seed}`).toEqual(new Set(sent));
      for (const d of devices) {
        const mine = await open.get(d)!.messages();
        expect(mine.map((m) => [m.id, m.body, m.verified]), `seed ${seed}: ${d.name} differs`).toEqual(reference.map((m) => [m.id, m.body, m.verified]));
        await eventually(async () => (await open.get(d)!.messages()).every((m) => !m.pending), `${d.name} has nothing pending (seed ${seed})`);
      }
      if (compacting) {
        // The log was compacted into snapshots: far fewer entries than messages.
        expect(open.get(ana)!.replica.entries.length, `seed ${seed}`).toBeLessThan(sent.length);
      }
      for (const conversation of open.values()) await conversation.close();
    });
  }
});
