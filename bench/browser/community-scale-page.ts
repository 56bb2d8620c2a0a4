// The community-scale page, bundled by esbuild and served by the sync server itself (same origin for API and
// sockets). It runs the project's client engine (lib/client/engine) in Chromium, signed in as a community's owner.
// Parameters come in the URL hash; the result is left on `window.__benchResult` for the driver
// (bench/community-scale.ts). Modes:
//   rotate       online: remove members of the big community one at a time (each seals a key envelope per remaining
//                member and posts the new epoch), watching the page's longest task; then the same sealing in one
//                synchronous loop (the reference)
//   populate     online: sync the thread-index community into IndexedDB, save a plain-Yjs copy of its document
//   open         offline: engine started -> community home state with every thread (as the UI does: hold the
//                replica, read state()) -> first 50 rows painted; then a filtered query on the held replica
//   plain-open   reference: the same document from plain y-indexeddb, the thread map read, sorted, painted, filtered
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { webRandom } from '../../lib/crypto';
import { communityParts, ThreadIndexEntry } from '../../lib/docs';
import { fromBase64url } from '../../lib/protocol/base64url';
import { sealKeyEnvelope } from '../../lib/protocol/key-envelope';
import { painted, pageEngine, until, type PageSession, type PostTiming } from './page-engine';

interface Params extends PageSession {
  mode: 'rotate' | 'populate' | 'open' | 'plain-open';
  /** The big community (rotation) and the one with the thread index (open). */
  rotateId: string;
  threadsId: string;
  members: number;
  threads: number;
  runs: number;
}

const PLAIN_DB = 'bench-community-plain';
const SHOWN = 50;
const bytes = (text: string) => fromBase64url(text)!;
const w = window as unknown as { __benchResult?: unknown };

const engineFor = (p: Params, online: boolean, posts: PostTiming[] = []) => pageEngine(p, { online, posts });

/**
 * How long the page could not respond: the longest main-thread task Chromium reports ('longtask', over 50 ms)
 * and the longest gap between turns of a setTimeout(0) heartbeat (any task, however short it was).
 */
function watchResponsiveness() {
  let longest = 0;
  let longtasks = 0;
  const tasks: Array<[number, number]> = [];
  let supported = true;
  let observer: PerformanceObserver | null = null;
  try {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        longtasks++;
        tasks.push([Math.round(e.startTime), Math.round(e.duration)]);
        longest = Math.max(longest, e.duration);
      }
    });
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    supported = false;
  }
  let maxGap = 0;
  let last = performance.now();
  let beating = true;
  let beats = 0;
  const beat = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    beats++;
    if (beating) setTimeout(beat, 0);
  };
  setTimeout(beat, 0);
  return async () => {
    beating = false;
    // Long-task entries are delivered after the task: give the observer a turn.
    await new Promise((r) => setTimeout(r, 30));
    beat();
    const records = observer?.takeRecords() ?? [];
    for (const e of records) {
      longtasks++;
      longest = Math.max(longest, e.duration);
    }
    observer?.disconnect();
    return { longestTaskMs: supported ? longest : -1, longtasks, maxGapMs: maxGap, beats, tasks };
  };
}

/** The engine's yield between sealing slices (lib/client/engine/communities.ts). */
const yieldToPage = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });


function render(rows: ThreadIndexEntry[]): void {
  const list = document.createElement('ol');
  for (const row of rows) {
    const item = document.createElement('li');
    item.textContent = `[${row.kind}${row.status === 'resolved' ? ', resolved' : ''}] ${row.title}`;
    list.append(item);
  }
  document.body.replaceChildren(list);
}

async function rotate(p: Params) {
  const posts: PostTiming[] = [];
  const { engine, identity } = await engineFor(p, true, posts);
  await engine.start();
  const communities = engine.communities;
  await until(() => (communities.view(p.rotateId)?.members.length ?? 0) >= p.members, `${p.members} members listed`, 60_000);
  const runs: Array<{ t0: number; postAt: number[]; envelopes: number; wallMs: number; sealMs: number; postMs: number; afterMs: number; requestBytes: number; longestTaskMs: number; longtasks: number; maxGapMs: number }> = [];
  for (let i = 0; i < p.runs; i++) {
    const view = communities.view(p.rotateId)!;
    const target = view.members.find((m) => m.accountId !== p.account.id)!;
    const envelopes = view.members.length - 1;
    const epochBefore = view.epoch;
    posts.length = 0;
    const stop = watchResponsiveness();
    const t0 = performance.now();
    const removed = await communities.removeMember(p.rotateId, target.accountId);
    const t1 = performance.now();
    const seen = await stop();
    if (!removed.ok) throw new Error(`removeMember failed: ${removed.code} (${JSON.stringify(posts)})`);
    const post = posts.find((x) => x.path.endsWith('/remove'));
    if (!post) throw new Error('no POST /remove seen');
    const after = communities.view(p.rotateId)!;
    if (after.epoch !== epochBefore + 1 || after.members.length !== envelopes) throw new Error(`rotation not committed: epoch ${after.epoch}, ${after.members.length} members`);
    runs.push({ t0: Math.round(t0), postAt: [Math.round(post.startMs), Math.round(post.endMs)], envelopes, wallMs: t1 - t0, sealMs: post.startMs - t0, postMs: post.endMs - post.startMs, afterMs: t1 - post.endMs, requestBytes: post.requestBytes, ...seen });
    // Let the role record's sync and the membership events settle between runs.
    await new Promise((r) => setTimeout(r, 300));
  }
  // Reference: the same sealing (same members, same key size, same tweetnacl calls) in one synchronous loop.
  const members = communities.view(p.rotateId)!.members.filter((m) => m.signingPublicKey && m.boxPublicKey);
  const recipients = members.map((m) => ({ signingPublicKey: bytes(m.signingPublicKey!), boxPublicKey: bytes(m.boxPublicKey!) }));
  const key = webRandom(32);
  const sender = { publicKey: identity.signing.publicKey, secretKey: identity.signing.secretKey };
  const reference: Array<{ envelopes: number; ms: number; longestTaskMs: number; maxGapMs: number }> = [];
  for (let i = 0; i < p.runs; i++) {
    const stop = watchResponsiveness();
    await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    let total = 0;
    for (const recipient of recipients) total += sealKeyEnvelope({ docId: p.rotateId, epoch: 1000 + i, key, recipient, sender, random: webRandom }).length;
    const ms = performance.now() - t0;
    const seen = await stop();
    if (total !== 253 * recipients.length) throw new Error('reference sealing made wrong-sized envelopes');
    reference.push({ envelopes: recipients.length, ms, longestTaskMs: seen.longestTaskMs, maxGapMs: seen.maxGapMs });
  }
  // And the same sealing sliced as the engine slices it (12 ms, then a MessageChannel turn), without the engine:
  // what the slicing itself costs.
  const sliced: Array<{ envelopes: number; ms: number; longestTaskMs: number; maxGapMs: number }> = [];
  for (let i = 0; i < p.runs; i++) {
    const stop = watchResponsiveness();
    await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    let slice = t0;
    for (const recipient of recipients) {
      sealKeyEnvelope({ docId: p.rotateId, epoch: 2000 + i, key, recipient, sender, random: webRandom });
      if (performance.now() - slice > 12) {
        await yieldToPage();
        slice = performance.now();
      }
    }
    const ms = performance.now() - t0;
    const seen = await stop();
    sliced.push({ envelopes: recipients.length, ms, longestTaskMs: seen.longestTaskMs, maxGapMs: seen.maxGapMs });
  }
  await engine.stop();
  return { runs, reference, sliced };
}

async function populate(p: Params) {
  const { engine } = await engineFor(p, true);
  await engine.start();
  const communities = engine.communities;
  await until(() => communities.view(p.threadsId) !== undefined, 'the community in the list', 30_000);
  const { replica } = await communities.acquire(p.threadsId);
  const threads = communityParts(replica.inner).threads;
  await until(() => threads.size >= p.threads, `${p.threads} threads synced (have ${threads.size})`, 240_000);
  await replica.idle();
  const plain = new Y.Doc();
  Y.applyUpdate(plain, Y.encodeStateAsUpdate(replica.inner));
  const persistence = new IndexeddbPersistence(PLAIN_DB, plain);
  await persistence.whenSynced;
  await persistence.destroy();
  communities.release(p.threadsId);
  await engine.stop();
  return { threads: threads.size };
}

async function open(p: Params) {
  const { engine } = await engineFor(p, false);
  await engine.start();
  const communities = engine.communities;
  const stop = watchResponsiveness();
  const startedMs = performance.now();
  // What the community home does (use-community.ts): hold the replica while shown, read its state.
  await communities.acquire(p.threadsId);
  const loadedMs = performance.now();
  const state = await communities.state(p.threadsId);
  if (!state.ok) throw new Error(`state failed: ${state.code}`);
  const stateMs = performance.now();
  render(state.value.threads.slice(0, SHOWN));
  const paintedAt = await painted();
  const seen = await stop();
  // The community screen renders every thread row (state.threads.map): all of them, as plain list items.
  const r0 = performance.now();
  render(state.value.threads);
  const allPaintedMs = (await painted()) - r0;
  const f0 = performance.now();
  const filtered = await communities.state(p.threadsId, { kind: 'need', status: 'open' });
  const filteredMs = performance.now() - f0;
  if (!filtered.ok) throw new Error(`filtered state failed: ${filtered.code}`);
  const a0 = performance.now();
  const again = await communities.state(p.threadsId);
  const againMs = performance.now() - a0;
  if (!again.ok) throw new Error(`state failed: ${again.code}`);
  communities.release(p.threadsId);
  await engine.stop();
  return {
    loadMs: loadedMs - startedMs,
    stateMs: stateMs - startedMs,
    paintedMs: paintedAt - startedMs,
    filteredMs,
    allPaintedMs,
    warmStateMs: againMs,
    total: state.value.threads.length,
    members: state.value.members.length,
    matching: filtered.value.threads.length,
    shown: Math.min(SHOWN, state.value.threads.length),
    ...seen,
  };
}

/** The same thread map from a plain Y.Doc: parsed with the same schema, sorted, painted, filtered. */
function readPlain(doc: Y.Doc, filter: { kind?: string; status?: string } = {}): ThreadIndexEntry[] {
  const out: ThreadIndexEntry[] = [];
  for (const raw of communityParts(doc).threads.values()) {
    const parsed = ThreadIndexEntry.safeParse(raw);
    if (!parsed.success) continue;
    if (filter.kind !== undefined && parsed.data.kind !== filter.kind) continue;
    if (filter.status !== undefined && parsed.data.status !== filter.status) continue;
    out.push(parsed.data);
  }
  return out.sort((a, b) => b.lastActivity - a.lastActivity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function plainOpen() {
  const stop = watchResponsiveness();
  const startedMs = performance.now();
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(PLAIN_DB, doc);
  await persistence.whenSynced;
  const loadedMs = performance.now();
  const threads = readPlain(doc);
  const stateMs = performance.now();
  render(threads.slice(0, SHOWN));
  const paintedAt = await painted();
  const seen = await stop();
  const r0 = performance.now();
  render(threads);
  const allPaintedMs = (await painted()) - r0;
  const f0 = performance.now();
  const filtered = readPlain(doc, { kind: 'need', status: 'open' });
  const filteredMs = performance.now() - f0;
  const a0 = performance.now();
  readPlain(doc);
  const againMs = performance.now() - a0;
  await persistence.destroy();
  return {
    loadMs: loadedMs - startedMs,
    stateMs: stateMs - startedMs,
    paintedMs: paintedAt - startedMs,
    filteredMs,
    allPaintedMs,
    warmStateMs: againMs,
    total: threads.length,
    members: 0,
    matching: filtered.length,
    shown: Math.min(SHOWN, threads.length),
    ...seen,
  };
}

async function main(): Promise<void> {
  const p = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Params;
  try {
    const value = p.mode === 'rotate' ? await rotate(p) : p.mode === 'populate' ? await populate(p) : p.mode === 'open' ? await open(p) : await plainOpen();
    w.__benchResult = { ok: true, value };
  } catch (error) {
    w.__benchResult = { ok: false, error: String((error as Error)?.stack ?? error) };
  }
}

void main();
