// Benchmark 2: fan-out latency. One room of 100, then 1,000 members (each a socket on the room plus its event
// stream, as the engine keeps), one message per second per 10 members. Latency: send -> the last recipient has the
// entry decrypted. Every member receives and parses every frame; the last one to receive a message then verifies
// and decrypts it (each device decrypts on its own CPU in parallel; one process cannot do a thousand devices' work).
// Reference in the same run: the stock relay with the same rooms and rate, plaintext (last recipient received it).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { pick, type BenchContext } from './lib/context';
import { asBytes, closeAll, createEntryOpener, isSyncUpdate, makeEnvelope, OuterWriter, updateKey } from './lib/lean-client';
import { connectEventStreams, connectSockets, makeMembers, newDocId, seedAccounts, type Member, type ServerKind } from './lib/rooms';
import type { ChildStats } from './lib/server-protocol';
import { startServer } from './lib/server-process';
import { summarize, until, type Summary } from './lib/stats';
import type { BenchResult, Row } from './lib/table';

interface FanoutResult {
  latency: Summary;
  received: Summary;
  server: ChildStats;
  /** Frames delivered to members per second, from the first send to the last delivery. */
  deliveriesPerSecond: number;
}

async function fanoutRun(ctx: BenchContext, kind: ServerKind, size: number, durationMs: number): Promise<FanoutResult> {
  const server = await startServer({ mode: kind });
  const sockets: WebSocket[] = [];
  let closing = false;
  try {
    const members = makeMembers(size);
    const docId = newDocId();
    const key = new Uint8Array(randomBytes(32));
    if (kind === 'ours') {
      await server.seed(seedAccounts(members), [{ id: docId, members: members.map((m) => m.accountId) }]);
      sockets.push(...(await connectEventStreams(server, members)));
    }
    const roomSockets = await connectSockets(server, kind, members.map((member) => ({ member, docId })));
    sockets.push(...roomSockets);
    ctx.log(`fanout ${kind} ${size}: ${sockets.length} sockets open`);

    const senders = members.slice(0, Math.max(1, Math.floor(size / 10)));
    const writers = new Map<Member, OuterWriter>(senders.map((m) => [m, new OuterWriter()]));
    const openers = new Map<string, (frame: Uint8Array) => Promise<boolean>>();
    const pending = new Map<string, { sentAt: number; remaining: number; counted: boolean; opener: ((f: Uint8Array) => Promise<boolean>) | null }>();
    const latencies: number[] = [];
    const receivedAll: number[] = [];
    let failure: string | null = null;
    for (const ws of sockets) {
      ws.on('close', (code, reason) => {
        if (!closing) failure ??= `a socket closed during the run: ${code} ${reason.toString()}`;
      });
    }
    for (const ws of roomSockets) {
      ws.on('message', (data) => {
        const frame = asBytes(data);
        if (!isSyncUpdate(frame)) return;
        const id = updateKey(frame);
        const p = pending.get(id);
        if (!p || --p.remaining > 0) return;
        pending.delete(id);
        if (!p.counted) return;
        const received = performance.now();
        receivedAll.push(received - p.sentAt);
        if (!p.opener) {
          latencies.push(received - p.sentAt);
          return;
        }
        void p.opener(frame).then((ok) => {
          if (!ok) failure ??= 'an entry did not open at its last recipient';
          latencies.push(performance.now() - p.sentAt);
        });
      });
    }

    await server.reset();
    const profile = ctx.profileDir && kind === 'ours' ? join(ctx.profileDir, `fanout-${size}.cpuprofile`) : null;
    if (profile) await server.profileStart();
    const intervalMs = 1000 / senders.length; // one message per second per sender, spread evenly
    const start = performance.now() + 10;
    const warmUntil = start + Math.min(1000, durationMs / 5);
    const end = start + durationMs;
    let next = start;
    let turn = 0;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= end || failure) {
          clearInterval(timer);
          resolve();
          return;
        }
        while (next <= now) {
          next += intervalMs;
          const sender = senders[turn++ % senders.length]!;
          const writer = writers.get(sender)!;
          const entry =
            kind === 'ours' ? makeEnvelope({ docId, key, signer: sender.identity.signer }, 300) : new Uint8Array(randomBytes(530));
          const { frame, key: id } = writer.append(entry);
          let opener: ((f: Uint8Array) => Promise<boolean>) | null = null;
          if (kind === 'ours') {
            const author = sender.accountId;
            opener = openers.get(author) ?? createEntryOpener({ docId, key, author: sender.identity.signing.publicKey });
            openers.set(author, opener);
          }
          // Our server relays to everyone but the writer; the stock relay echoes to the writer too.
          pending.set(id, { sentAt: performance.now(), remaining: kind === 'ours' ? size - 1 : size, counted: now >= warmUntil, opener });
          roomSockets[members.indexOf(sender)]!.send(frame);
          sent++;
        }
      }, 1);
    });
    await until(() => failure !== null || pending.size === 0, 'every message at every member', 90_000);
    const drainedAt = performance.now();
    if (profile) await server.profileStop(profile);
    const stats = await server.stats();
    const expected = latencies.length;
    await until(() => failure !== null || latencies.length >= expected, 'last decryptions', 10_000);
    if (failure) throw new Error(failure);
    for (const w of writers.values()) w.doc.destroy();
    closing = true;
    await closeAll(sockets);
    return { latency: summarize(latencies), received: summarize(receivedAll), server: stats, deliveriesPerSecond: (sent * (kind === 'ours' ? size - 1 : size) * 1000) / (drainedAt - start) };
  } finally {
    closing = true;
    await closeAll(sockets).catch(() => undefined);
    await server.stop();
  }
}

export async function fanoutBench(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const sizes = pick(ctx, [100], [100, 1000]);
  // The 1,000-member room asks for 100,000 deliveries a second: a shorter run bounds the backlog it can build.
  const durationFor = (size: number) => pick(ctx, 2000, size >= 1000 ? 6000 : 10_000);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const size of sizes) {
    const ours = await fanoutRun(ctx, 'ours', size, durationFor(size));
    const stock = await fanoutRun(ctx, 'stock', size, durationFor(size));
    const target = size <= 100 ? 50 : 250;
    const rate = `${size / 10} msg/s`;
    rows.push(
      { figure: `${size} members, ${rate}: p50 send -> last decrypted`, value: ours.latency.p50, unit: 'ms', reference: { name: '(c) stock relay, last received', value: stock.latency.p50 } },
      {
        figure: `${size} members, ${rate}: p99 send -> last decrypted`,
        value: ours.latency.p99,
        unit: 'ms',
        reference: { name: '(c) stock relay, last received', value: stock.latency.p99 },
        target: `< ${target} ms`,
        met: ours.latency.p99 < target,
      },
      { figure: `${size} members: p99 send -> last received (no decrypt)`, value: ours.received.p99, unit: 'ms', reference: { name: '(c) stock relay, last received', value: stock.received.p99 } },
    );
    notes.push(
      `${size} members: ${ours.latency.count} messages measured; ${Math.round(ours.deliveriesPerSecond).toLocaleString('en-US')} deliveries/s achieved (stock ${Math.round(stock.deliveriesPerSecond).toLocaleString('en-US')}/s, offered ${((size / 10) * (size - 1)).toLocaleString('en-US')}/s); server CPU ${((100 * ours.server.cpuUs) / (ours.server.wallMs * 1000)).toFixed(0)}% (stock ${((100 * stock.server.cpuUs) / (stock.server.wallMs * 1000)).toFixed(0)}%), event-loop delay p99 ${ours.server.eldP99Ms.toFixed(1)} ms (stock ${stock.server.eldP99Ms.toFixed(1)} ms)`,
    );
  }
  notes.push('clients: lean client, one socket per member on the room plus its ~events stream (ours); members seeded straight into the tables (the conversation API caps groups at 50)');
  return { id: 'fanout', title: '2. Fan-out latency (lean client: lib/protocol envelopes + y-protocols frames)', rows, notes, ms: performance.now() - started };
}
