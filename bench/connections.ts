// Benchmark 3: connections. Ramp to N idle authenticated sockets, each on its own conversation (50 per account,
// under the per-account cap), then make 1,000 of them active (one envelope a second each); report RSS per socket,
// event-loop delay p99 and the time to accept the ramp. Then open and close N documents one socket at a time and
// check the server's memory returns to its baseline (after a forced GC).
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { MESSAGE_SYNC } from '../lib/protocol/sync-frames';
import { pick, type BenchContext } from './lib/context';
import { asBytes, closeAll, firstFrame, isStored, makeEnvelope, openSocket, OuterWriter, storedClock } from './lib/lean-client';
import { makeMembers, newDocId, seedAccounts, type Member } from './lib/rooms';
import type { ChildStats } from './lib/server-protocol';
import { startServer, type BenchServer } from './lib/server-process';
import { sleep, until } from './lib/stats';
import type { BenchResult, Row } from './lib/table';

const PER_ACCOUNT = 50;
const MiB = 1024 * 1024;

interface Doc {
  docId: string;
  owner: Member;
  key: Uint8Array;
  writer: OuterWriter;
}

/** Opens one socket per doc with `concurrency` handshakes in flight; resolves when each has its first frame. */
async function openDocs(server: BenchServer, docs: Doc[], concurrency: number, onOpen?: (ws: WebSocket, doc: Doc) => Promise<void>): Promise<WebSocket[]> {
  const tickets = await server.tickets(docs.map((d) => d.owner.accountId));
  const out = new Array<WebSocket>(docs.length);
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const i = next++;
      const doc = docs[i]!;
      const ws = await openSocket(`${server.wsUrl}/sync/${doc.docId}?ticket=${encodeURIComponent(tickets[i]!)}`, server.origin);
      // Joined once the server's sync step 1 arrives (the room is loaded by then).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const first = await Promise.race([
        firstFrame(ws),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no sync step 1 within 30 s')), 30_000))),
      ]);
      clearTimeout(timer);
      if (first[0] !== MESSAGE_SYNC) throw new Error('the server refused a document socket');
      out[i] = ws;
      if (onOpen) await onOpen(ws, doc);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, docs.length) }, worker));
  return out;
}

export async function connectionsBench(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const total = pick(ctx, 300, 10_000);
  const activeCount = Math.min(1000, pick(ctx, 100, 1000));
  const activeMs = pick(ctx, 1500, 10_000);
  const server = await startServer({ mode: 'ours' });
  const notes: string[] = [];
  try {
    const owners = makeMembers(Math.ceil(total / PER_ACCOUNT) + 1);
    const docs: Doc[] = Array.from({ length: total }, (_, i) => ({
      docId: newDocId(),
      owner: owners[Math.floor(i / PER_ACCOUNT)]!,
      key: new Uint8Array(randomBytes(32)),
      writer: new OuterWriter(),
    }));
    // Each conversation has two members (the other one never connects) and one entry already stored.
    await server.seed(
      seedAccounts(owners),
      docs.map((d, i) => ({ id: d.docId, members: [d.owner.accountId, owners[Math.floor(i / PER_ACCOUNT) + 1]!.accountId] })),
    );
    for (let i = 0; i < docs.length; i += 1000) {
      await server.commit(
        docs.slice(i, i + 1000).map((d) => {
          const envelope = makeEnvelope({ docId: d.docId, key: d.key, signer: d.owner.identity.signer }, 300);
          const { update } = d.writer.append(envelope);
          return { docId: d.docId, accountId: d.owner.accountId, update, signatures: [envelope.subarray(envelope.length - 64)], newClients: [d.writer.doc.clientID] };
        }),
      );
    }
    // Warm-up: a few documents opened and closed, so code compiled on first use is part of the baseline.
    await openDocs(server, docs.slice(0, 100), 20, async (ws) => closeAll([ws]));
    await server.gc();
    const baseline = await server.stats();

    // Ramp.
    await server.reset();
    const rampStart = performance.now();
    const sockets = await openDocs(server, docs, 200);
    const rampMs = performance.now() - rampStart;
    const ramp = await server.stats();
    ctx.log(`connections: ${total} sockets in ${(rampMs / 1000).toFixed(1)} s`);
    await sleep(pick(ctx, 300, 2000));
    await server.gc();
    const idle = await server.stats();

    // 1,000 active: one envelope per second each, spread evenly.
    let sent = 0;
    const active = docs.slice(0, activeCount);
    // Per document: how many of its writer's envelopes the server says are stored (one `stored` per commit batch).
    const acked = active.map(() => 0);
    // Counted from the entry each document already has.
    const sentTo = active.map(() => 1);
    active.forEach((doc, i) =>
      sockets[i]!.on('message', (data) => {
        const frame = asBytes(data);
        if (isStored(frame)) acked[i] = Math.max(acked[i]!, storedClock(frame, doc.writer.doc.clientID));
      }),
    );
    await server.reset();
    const interval = 1000 / activeCount;
    const t0 = performance.now();
    let nextAt = t0;
    let turn = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now - t0 >= activeMs) {
          clearInterval(timer);
          resolve();
          return;
        }
        while (nextAt <= now) {
          nextAt += interval;
          const i = turn++ % activeCount;
          const doc = active[i]!;
          sockets[i]!.send(doc.writer.append(makeEnvelope({ docId: doc.docId, key: doc.key, signer: doc.owner.identity.signer }, 300)).frame);
          sentTo[i]!++;
          sent++;
        }
      }, 1);
    });
    const busy = await server.stats();
    await until(() => acked.every((n, i) => n === sentTo[i]), 'every active envelope stored', 30_000);
    await closeAll(sockets);
    await sleep(200);
    await server.gc();
    const afterRamp = await server.stats();

    // Open and close every document, one socket at a time per worker.
    await server.reset();
    const churnStart = performance.now();
    await openDocs(server, docs, 50, async (ws) => closeAll([ws]));
    const churnMs = performance.now() - churnStart;
    await sleep(200);
    await server.gc();
    const afterChurn = await server.stats();
    for (const d of docs) d.writer.doc.destroy();

    const perSocket = (s: ChildStats, key: 'rss' | 'heapUsed') => (s[key] - baseline[key]) / total;
    const ratio = (s: ChildStats, key: 'rss' | 'heapUsed') => s[key] / baseline[key];
    const rows: Row[] = [
      { figure: `RSS per idle socket (${total.toLocaleString('en-US')} sockets)`, value: perSocket(idle, 'rss') / 1024, unit: 'KiB', reference: { name: 'JS heap per socket', value: perSocket(idle, 'heapUsed') / 1024 }, delta: true },
      {
        figure: `server RSS with ${total.toLocaleString('en-US')} idle sockets`,
        value: idle.rss / MiB,
        unit: 'MiB',
        reference: { name: 'baseline, no sockets', value: baseline.rss / MiB },
        ...(total >= 10_000 ? { target: '< 1024 MiB', met: idle.rss < 1024 * MiB } : {}),
      },
      { figure: 'time to accept the ramp', value: rampMs / 1000, unit: 's', reference: { name: 'sockets/s', value: total / (rampMs / 1000), unit: '/s' }, ratio: Number.NaN },
      { figure: 'event-loop delay p99 during the ramp', value: ramp.eldP99Ms, unit: 'ms', reference: { name: 'max', value: ramp.eldMaxMs } },
      { figure: `event-loop delay p99, ${activeCount} active (1 env/s each)`, value: busy.eldP99Ms, unit: 'ms', reference: { name: 'max', value: busy.eldMaxMs } },
      { figure: `server CPU, ${activeCount} active`, value: (100 * busy.cpuUs) / (busy.wallMs * 1000), unit: '%', reference: { name: 'envelopes/s offered', value: sent / (activeMs / 1000), unit: '/s' }, ratio: Number.NaN },
      { figure: 'heap after all sockets closed (GC)', value: afterRamp.heapUsed / MiB, unit: 'MiB', reference: { name: 'baseline heap', value: baseline.heapUsed / MiB } },
      {
        figure: `heap after opening + closing ${total.toLocaleString('en-US')} documents (GC)`,
        value: afterChurn.heapUsed / MiB,
        unit: 'MiB',
        reference: { name: 'baseline heap', value: baseline.heapUsed / MiB },
        target: '<= 1.10x',
        met: ratio(afterChurn, 'heapUsed') <= 1.1,
      },
      { figure: `RSS after opening + closing ${total.toLocaleString('en-US')} documents`, value: afterChurn.rss / MiB, unit: 'MiB', reference: { name: 'baseline RSS', value: baseline.rss / MiB } },
    ];
    notes.push(
      `each socket: its own ticket (single use, consumed with a durable write), its own conversation with one stored entry; ${PER_ACCOUNT} sockets per account; ${(total / (churnMs / 1000)).toFixed(0)} documents opened+closed per second`,
      'baseline: after seeding and a warm-up of 100 documents opened and closed, then a forced GC; RSS includes what the allocator keeps after GC, the heap figure is what a leak would grow',
    );
    return { id: 'connections', title: '3. Connections (lean client sockets; server in its own process)', rows, notes, ms: performance.now() - started };
  } finally {
    await server.stop();
  }
}
