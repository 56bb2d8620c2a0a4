// Benchmark 1: relay throughput. Lean clients (lib/protocol envelopes + y-protocols frames, see lib/lean-client.ts)
// send signed encrypted envelopes as fast as the server takes them (a window of unacknowledged updates per writer),
// to rooms of 1 and 10 recipients. References in the same run: (a) node:crypto verifications per second on one core,
// (b) our server with synchronous=OFF, (c) the stock y-websocket relay with plaintext updates of the same size.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { nodeVerifyLimit } from './crypto';
import { pick, type BenchContext } from './lib/context';
import { asBytes, closeAll, createEntryOpener, isStored, isSyncUpdate, makeEnvelope, OuterWriter, storedClock, updateKey } from './lib/lean-client';
import { connectEventStreams, connectSockets, makeMembers, newDocId, seedAccounts, type Member, type ServerKind } from './lib/rooms';
import { startServer, type BenchServer } from './lib/server-process';
import { sleep, summarize, until, type Summary } from './lib/stats';
import type { BenchResult, Row } from './lib/table';

/** A chat message's inner update is a few hundred bytes; with a 60-character preview the envelope is ~530 B. */
const INNER_BYTES = 300;

interface RelayRoom {
  docId: string;
  key: Uint8Array;
  sender: Member;
  recipients: Member[];
  probe: boolean;
  /** The writer's updates in order: pre-sealed for our server (so the client's signing does not limit it). */
  frames: Array<{ frame: Uint8Array; key: string }>;
}

interface Scenario {
  recipients: number;
  rooms: RelayRoom[];
  envelopeBytes: number;
}

function buildScenario(roomCount: number, recipients: number, probeRooms: number, framesPerRoom: number): Scenario {
  let envelopeBytes = 0;
  const rooms = Array.from({ length: roomCount }, (_, i): RelayRoom => {
    const [sender, ...others] = makeMembers(1 + recipients) as [Member, ...Member[]];
    const room: RelayRoom = { docId: newDocId(), key: new Uint8Array(randomBytes(32)), sender, recipients: others, probe: i < probeRooms, frames: [] };
    const writer = new OuterWriter();
    for (let n = 0; n < framesPerRoom; n++) {
      const envelope = makeEnvelope({ docId: room.docId, key: room.key, signer: sender.identity.signer }, INNER_BYTES);
      envelopeBytes = envelope.length;
      const { frame, key } = writer.append(envelope);
      room.frames.push({ frame, key });
    }
    writer.doc.destroy();
    return room;
  });
  return { recipients, rooms, envelopeBytes };
}

/** The stock relay gets plaintext updates of the same size, made from the same outer-document shape. */
function plainFrames(scenario: Scenario, count: number): Map<RelayRoom, Array<{ frame: Uint8Array; key: string }>> {
  const out = new Map<RelayRoom, Array<{ frame: Uint8Array; key: string }>>();
  for (const room of scenario.rooms) {
    const writer = new OuterWriter();
    const frames = [];
    for (let n = 0; n < count; n++) frames.push(writer.append(new Uint8Array(randomBytes(scenario.envelopeBytes))));
    writer.doc.destroy();
    out.set(room, frames);
  }
  return out;
}

interface Live {
  room: RelayRoom;
  frames: Array<{ frame: Uint8Array; key: string }>;
  sender: WebSocket;
  recipients: WebSocket[];
  sent: number;
  acked: number;
  delivered: number;
  /** `count` more of the writer's updates acknowledged (our server: stored, one frame per commit batch; stock: echoed). */
  onAck: (count: number) => void;
  onDeliver: (frame: Uint8Array) => void;
}

async function connect(server: BenchServer, kind: ServerKind, scenario: Scenario, frames: (room: RelayRoom) => Live['frames']): Promise<{ lives: Live[]; failure: () => string | null; close(): Promise<void> }> {
  if (kind === 'ours') {
    const members = scenario.rooms.flatMap((r) => [r.sender, ...r.recipients]);
    await server.seed(seedAccounts(members), scenario.rooms.map((r) => ({ id: r.docId, members: [r.sender.accountId, ...r.recipients.map((m) => m.accountId)] })));
  }
  const pairs = scenario.rooms.flatMap((r) => [r.sender, ...r.recipients].map((member) => ({ member, docId: r.docId })));
  const events = kind === 'ours' ? await connectEventStreams(server, pairs.map((p) => p.member)) : [];
  const sockets = await connectSockets(server, kind, pairs);
  let failure: string | null = null;
  let closing = false;
  const lives: Live[] = [];
  let at = 0;
  for (const room of scenario.rooms) {
    const sender = sockets[at++]!;
    const recipients = room.recipients.map(() => sockets[at++]!);
    const live: Live = { room, frames: frames(room), sender, recipients, sent: 0, acked: 0, delivered: 0, onAck: () => {}, onDeliver: () => {} };
    // Every frame of a room comes from one writer (one Yjs client), one entry each, from clock 0.
    const client = Number(live.frames[0]!.key.split(':')[0]);
    sender.on('message', (data) => {
      const frame = asBytes(data);
      let acked: number;
      if (kind === 'ours') {
        if (!isStored(frame)) return;
        acked = storedClock(frame, client);
      } else {
        if (!isSyncUpdate(frame)) return;
        acked = live.acked + 1;
      }
      if (acked <= live.acked) return;
      const count = acked - live.acked;
      live.acked = acked;
      live.onAck(count);
    });
    for (const ws of [sender, ...recipients]) {
      ws.on('close', (code, reason) => {
        if (!closing) failure ??= `a socket closed during the run: ${code} ${reason.toString()}`;
      });
    }
    for (const ws of recipients) {
      ws.on('message', (data) => {
        const frame = asBytes(data);
        if (!isSyncUpdate(frame)) return;
        live.delivered++;
        live.onDeliver(frame);
      });
    }
    lives.push(live);
  }
  return {
    lives,
    failure: () => failure,
    close: () => {
      closing = true;
      return closeAll([...sockets, ...events]);
    },
  };
}

interface Peak {
  perSecond: number;
  cpuUsPerEnvelope: number;
  serverCpuShare: number;
  clientCpuShare: number;
  capped: boolean;
}

async function peakRun(
  server: BenchServer,
  lives: Live[],
  failure: () => string | null,
  o: { window: number; warmupMs: number; measureMs: number; profile?: string },
): Promise<Peak> {
  let phase: 'warm' | 'measure' | 'drain' = 'warm';
  let measured = 0;
  let capped = false;
  const sendNext = (live: Live) => {
    const next = live.frames[live.sent];
    if (!next) {
      capped = true;
      return;
    }
    live.sent++;
    live.sender.send(next.frame);
  };
  for (const live of lives) {
    live.onDeliver = () => {};
    live.onAck = (count) => {
      if (phase === 'measure') measured += count;
      if (phase !== 'drain') for (let i = 0; i < count; i++) sendNext(live);
    };
    for (let i = 0; i < o.window; i++) sendNext(live);
  }
  await sleep(o.warmupMs);
  if (o.profile) await server.profileStart();
  await server.reset();
  const clientMark = process.cpuUsage();
  const t0 = performance.now();
  phase = 'measure';
  measured = 0;
  await sleep(o.measureMs);
  const count = measured;
  const t1 = performance.now();
  phase = 'drain';
  const clientCpu = process.cpuUsage(clientMark);
  const stats = await server.stats();
  if (o.profile) await server.profileStop(o.profile);
  const recipients = lives[0]!.recipients.length;
  await until(
    () => failure() !== null || lives.every((l) => l.acked === l.sent && l.delivered === l.sent * recipients),
    'every sent update acknowledged and delivered',
    30_000,
  );
  if (failure()) throw new Error(failure()!);
  const perSecond = (count * 1000) / (t1 - t0);
  return {
    perSecond,
    cpuUsPerEnvelope: stats.cpuUs / ((perSecond * stats.wallMs) / 1000),
    serverCpuShare: stats.cpuUs / (stats.wallMs * 1000),
    clientCpuShare: (clientCpu.user + clientCpu.system) / ((t1 - t0) * 1000),
    capped,
  };
}

/** Open loop at `rate` envelopes/s in total; latency = send -> opened (verified and decrypted) at every recipient of a probe room. */
async function latencyRun(kind: ServerKind, lives: Live[], failure: () => string | null, o: { rate: number; durationMs: number; warmupMs: number }): Promise<Summary & { sent: number }> {
  const intervalMs = (1000 * lives.length) / o.rate;
  const latencies: number[] = [];
  const pending = new Map<string, { sentAt: number; remaining: number; counted: boolean }>();
  const start = performance.now() + 5;
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.durationMs;
  const next = lives.map((_, i) => start + (i * intervalMs) / lives.length);
  let sent = 0;
  let capped = false;
  for (const live of lives) {
    live.onAck = () => {};
    if (!live.room.probe) {
      live.onDeliver = () => {};
      continue;
    }
    const opener = kind === 'ours' ? createEntryOpener({ docId: live.room.docId, key: live.room.key, author: live.room.sender.identity.signing.publicKey }) : null;
    live.onDeliver = (frame) => {
      const key = updateKey(frame);
      const done = () => {
        const p = pending.get(key);
        if (!p) return;
        if (--p.remaining === 0) {
          if (p.counted) latencies.push(performance.now() - p.sentAt);
          pending.delete(key);
        }
      };
      if (opener) {
        void opener(frame).then((ok) => {
          if (!ok) throw new Error('a relayed entry did not open');
          done();
        });
      } else {
        done();
      }
    };
  }
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= end || failure()) {
        clearInterval(timer);
        resolve();
        return;
      }
      lives.forEach((live, i) => {
        while (next[i]! <= now) {
          next[i]! += intervalMs;
          const frame = live.frames[live.sent];
          if (!frame) {
            capped = true;
            return;
          }
          live.sent++;
          sent++;
          if (live.room.probe) pending.set(frame.key, { sentAt: performance.now(), remaining: live.recipients.length, counted: now >= measureFrom });
          live.sender.send(frame.frame);
        }
      });
    }, 1);
  });
  await until(() => failure() !== null || pending.size === 0, 'every probe message opened by every recipient', 30_000);
  if (failure()) throw new Error(failure()!);
  if (capped) throw new Error('latency run ran out of pre-sealed envelopes');
  return { ...summarize(latencies), sent };
}

interface Variant {
  recipients: number;
  rooms: number;
  probeRooms: number;
  window: number;
}

export async function relayBench(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const warmupMs = pick(ctx, 250, 1000);
  const measureMs = pick(ctx, 800, 4000);
  const latencyMs = pick(ctx, 800, 4000);
  const latencyWarmMs = pick(ctx, 200, 500);
  // Many writers, few updates in flight each: the server handles one socket's frames in order, waiting for each
  // commit, so throughput comes from many sockets (as with real users), not from one socket's pipeline.
  const variants: Variant[] = pick(ctx, [{ recipients: 1, rooms: 64, probeRooms: 4, window: 2 }], [
    { recipients: 1, rooms: 128, probeRooms: 4, window: 2 },
    { recipients: 10, rooms: 32, probeRooms: 1, window: 4 },
  ]);
  const limitA = nodeVerifyLimit(ctx);
  const notes: string[] = [];
  const rows: Row[] = [];

  for (const v of variants) {
    // No run can accept more than one verification per envelope allows (reference a); 1.3x headroom. In a full run
    // the peak and latency runs each start on a fresh server (each replays the writers' updates from the first);
    // a quick run measures latency on the peak run's server, after it.
    const peakSeconds = (warmupMs + measureMs) / 1000;
    const latencySeconds = (0.6 * (latencyMs + latencyWarmMs)) / 1000;
    const framesPerRoom = Math.ceil((1.3 * limitA * (ctx.quick ? peakSeconds + latencySeconds : Math.max(peakSeconds, latencySeconds))) / v.rooms);
    ctx.log(`relay ${v.recipients}r: sealing ${framesPerRoom * v.rooms} envelopes`);
    const scenario = buildScenario(v.rooms, v.recipients, v.probeRooms, framesPerRoom);
    const label = `${v.recipients} recipient${v.recipients > 1 ? 's' : ''}/room`;

    const onOurs = async <T>(synchronous: 'FULL' | 'OFF', run: (server: BenchServer, conn: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> => {
      const server = await startServer({ mode: 'ours', synchronous });
      try {
        const conn = await connect(server, 'ours', scenario, (room) => room.frames);
        const result = await run(server, conn);
        await conn.close();
        return result;
      } finally {
        await server.stop();
      }
    };
    const peakOf = (synchronous: 'FULL' | 'OFF', thenLatency: boolean) =>
      onOurs(synchronous, async (server, conn) => {
        const profile = ctx.profileDir ? join(ctx.profileDir, `relay-${v.recipients}r-${synchronous}.cpuprofile`) : undefined;
        const peak = await peakRun(server, conn.lives, conn.failure, { window: v.window, warmupMs, measureMs, ...(profile ? { profile } : {}) });
        ctx.log(`relay ${v.recipients}r ours ${synchronous}: ${peak.perSecond.toFixed(0)}/s, server CPU ${(peak.serverCpuShare * 100).toFixed(0)}%, client CPU ${(peak.clientCpuShare * 100).toFixed(0)}%`);
        const latency = thenLatency ? await latencyRun('ours', conn.lives, conn.failure, { rate: peak.perSecond / 2, durationMs: latencyMs, warmupMs: latencyWarmMs }) : null;
        return { peak, latency };
      });

    const full = await peakOf('FULL', ctx.quick);
    const rate = full.peak.perSecond / 2;
    const fullLatency =
      full.latency ?? (await onOurs('FULL', (_server, conn) => latencyRun('ours', conn.lives, conn.failure, { rate, durationMs: latencyMs, warmupMs: latencyWarmMs })));
    const off = await peakOf('OFF', false);

    const stock = await startServer({ mode: 'stock' });
    let stockPeak: Peak;
    let stockLatency: Summary;
    try {
      const plain = plainFrames(scenario, framesPerRoom * 2);
      const conn = await connect(stock, 'stock', scenario, (room) => plain.get(room)!);
      const profile = ctx.profileDir ? join(ctx.profileDir, `relay-${v.recipients}r-stock.cpuprofile`) : undefined;
      stockPeak = await peakRun(stock, conn.lives, conn.failure, { window: v.window, warmupMs, measureMs, ...(profile ? { profile } : {}) });
      ctx.log(`relay ${v.recipients}r stock: ${stockPeak.perSecond.toFixed(0)}/s, server CPU ${(stockPeak.serverCpuShare * 100).toFixed(0)}%, client CPU ${(stockPeak.clientCpuShare * 100).toFixed(0)}%`);
      stockLatency = await latencyRun('stock', conn.lives, conn.failure, { rate, durationMs: latencyMs, warmupMs: latencyWarmMs });
      await conn.close();
    } finally {
      await stock.stop();
    }

    const peakValue = full.peak.perSecond;
    rows.push(
      { figure: `accepted envelopes/s, ${label}, FULL`, value: peakValue, unit: '/s', reference: { name: '(a) node:crypto verify, 1 core', value: limitA }, target: '>= 0.70x', met: peakValue >= 0.7 * limitA },
      { figure: `accepted envelopes/s, ${label}, FULL`, value: peakValue, unit: '/s', reference: { name: '(c) stock relay, plaintext', value: stockPeak.perSecond }, target: '>= 0.25x', met: peakValue >= 0.25 * stockPeak.perSecond },
      { figure: `accepted envelopes/s, ${label}, FULL`, value: peakValue, unit: '/s', reference: { name: '(b) same server, sync=OFF', value: off.peak.perSecond } },
      { figure: `server CPU per envelope, ${label}, FULL`, value: full.peak.cpuUsPerEnvelope, unit: 'µs', reference: { name: '(c) stock relay', value: stockPeak.cpuUsPerEnvelope } },
      { figure: `server CPU per envelope, ${label}, FULL`, value: full.peak.cpuUsPerEnvelope, unit: 'µs', reference: { name: '(b) sync=OFF', value: off.peak.cpuUsPerEnvelope } },
      { figure: `latency p50 @ ${rate.toFixed(0)}/s (50% peak), ${label}`, value: fullLatency.p50, unit: 'ms', reference: { name: '(c) stock, same rate', value: stockLatency.p50 } },
      { figure: `latency p95 @ 50% peak, ${label}`, value: fullLatency.p95, unit: 'ms', reference: { name: '(c) stock, same rate', value: stockLatency.p95 } },
      { figure: `latency p99 @ 50% peak, ${label}`, value: fullLatency.p99, unit: 'ms', reference: { name: '(c) stock, same rate', value: stockLatency.p99 } },
    );
    const share = (p: Peak) => `server ${(p.serverCpuShare * 100).toFixed(0)}% / client ${(p.clientCpuShare * 100).toFixed(0)}% CPU`;
    notes.push(
      `${label}: ${v.rooms} rooms (${v.rooms * (1 + v.recipients)} sockets), window ${v.window}/writer, envelope ${scenario.envelopeBytes} B; peak runs: FULL ${share(full.peak)}, OFF ${share(off.peak)}, stock ${share(stockPeak)}` +
        ([full.peak, off.peak, stockPeak].some((p) => p.capped) ? ' — a run used up its pre-sealed envelopes (figure is a lower bound)' : ''),
      `${label}: latency over ${fullLatency.count} probe messages in ${v.probeRooms} room(s), each opened (verified + decrypted, WebCrypto) by every recipient; stock: received by every recipient (plaintext)`,
    );
  }
  notes.push(
    'clients: lean client (lib/protocol sealEnvelope bytes + y-protocols frames over ws) in the bench process, each also holding its ~events stream as the engine does; server in its own process; per-socket frame budget raised for load generation',
  );
  return { id: 'relay', title: '1. Relay throughput (lean client: lib/protocol envelopes + y-protocols frames)', rows, notes, ms: performance.now() - started };
}
