// The cold-open page, bundled by esbuild and served by the sync server itself (same origin for API and sockets).
// It runs the project's client engine (lib/client/engine) in Chromium. Parameters come in the URL hash; the result
// is left on `window.__benchResult` for the driver (bench/cold-open.ts). Modes:
//   populate     sign-in state given, sync the conversation from the server into IndexedDB, save a plain-Yjs copy
//   open         offline, as the conversation screen does it: navigation -> newest 50 painted from the sealed recent
//                view -> replica loaded and its newest 50 painted -> whole history listed (searchable)
//   compact      online, engine with a low compaction threshold writes one message, which compacts the log
//   plain-open   reference: plain Yjs + y-indexeddb loading the same messages, unencrypted, no verification
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { conversationParts, MessageEntry } from '../../lib/docs';
import { painted, pageEngine, until, type PageSession } from './page-engine';

interface Params extends PageSession {
  mode: 'populate' | 'open' | 'compact' | 'plain-open';
  docId: string;
  expected: number;
}

const PLAIN_DB = 'bench-plain-reference';
/** When this module started running: everything before is loading and parsing the bundle. */
const scriptMs = performance.now();
const SHOWN = 50;
const w = window as unknown as { __benchResult?: unknown };

function render(rows: Array<{ author: string; body: string | null }>): void {
  const list = document.createElement('ol');
  for (const row of rows) {
    const item = document.createElement('li');
    item.textContent = `${row.author.slice(0, 6)}: ${row.body ?? '(deleted)'}`;
    list.append(item);
  }
  document.body.replaceChildren(list);
}

const engineFor = (p: Params, online: boolean, compactAt?: number) => pageEngine(p, { online, ...(compactAt ? { compactAt } : {}) });

async function populate(p: Params) {
  const { engine } = await engineFor(p, true);
  await engine.start();
  await until(() => engine.conversations.ids().includes(p.docId), 'the conversation in the list', 30_000);
  const conv = await engine.open(p.docId);
  const messages = conversationParts(conv.replica.inner).messages;
  await until(() => messages.size >= p.expected, `${p.expected} messages synced (have ${messages.size})`, 240_000);
  await conv.replica.idle();
  // The reference: the same inner document, unencrypted, in its own y-indexeddb database.
  const plain = new Y.Doc();
  Y.applyUpdate(plain, Y.encodeStateAsUpdate(conv.replica.inner));
  const persistence = new IndexeddbPersistence(PLAIN_DB, plain);
  await persistence.whenSynced;
  await persistence.destroy();
  await conv.close();
  await engine.stop();
  return { messages: messages.size };
}

async function compact(p: Params) {
  const { engine } = await engineFor(p, true, 100);
  await engine.start();
  const conv = await engine.open(p.docId);
  await until(() => conv.connectionState() === 'synced', 'synced', 60_000);
  await conv.replica.idle();
  const before = conv.replica.entries.length;
  const sent = await conv.send('this message makes the log compact');
  if (!sent.ok) throw new Error(`send failed: ${sent.code}`);
  await until(() => conv.replica.entries.length === 1, 'compacted to one snapshot entry', 60_000);
  await until(() => !conv.replica.hasPending(), 'the snapshot stored by the server', 120_000);
  await conv.close();
  await engine.stop();
  return { entriesBefore: before, entriesAfter: 1 };
}

async function open(p: Params) {
  const { engine } = await engineFor(p, false);
  await engine.start();
  const startedMs = performance.now();
  // The recent view kept sealed on the device, painted before the replica loads (use-open-conversation.ts).
  const early = await engine.recent(p.docId);
  if (early) render(early.messages);
  const recentPaintedMs = early ? await painted() : null;
  const openMs = performance.now();
  const conv = await engine.open(p.docId);
  const loadedMs = performance.now();
  // The engine's own listing of the newest, as the screen reads it (verified, Pending and names added).
  const newest = await conv.messages({ limit: SHOWN });
  render(newest);
  const fullPaintedMs = await painted();
  // The recent view must be exactly what the replica then lists: no row added, lost or changed.
  const same = (a: { id: string; body: string | null; verified: boolean }[]) => JSON.stringify(a.map((m) => [m.id, m.body, m.verified]));
  const recentMatches = early !== null && same(early.messages) === same(newest) && early.total === conv.count();
  // The whole history, as the engine lists it for the screen (every message verified), indexed for search.
  const all = await conv.messages();
  const index = all.map((m) => (m.body ?? '').toLowerCase());
  const searchableAt = performance.now();
  const hits = index.filter((b) => b.includes('garden')).length;
  const result = {
    scriptMs,
    startedMs,
    paintedMs: recentPaintedMs ?? fullPaintedMs,
    fromRecent: early !== null,
    recentShown: early?.messages.length ?? 0,
    recentMatches,
    openMs,
    loadedMs,
    fullPaintedMs,
    searchableMs: searchableAt,
    shown: newest.length,
    total: all.length,
    verified: all.every((m) => m.verified),
    hits,
  };
  await conv.close();
  await engine.stop();
  return result;
}

async function plainOpen() {
  const doc = new Y.Doc();
  const startedMs = performance.now();
  const openMs = startedMs;
  const persistence = new IndexeddbPersistence(PLAIN_DB, doc);
  await persistence.whenSynced;
  const loadedMs = performance.now();
  const entries: MessageEntry[] = [];
  conversationParts(doc).messages.forEach((raw) => {
    const parsed = MessageEntry.safeParse(raw);
    if (parsed.success) entries.push(parsed.data);
  });
  entries.sort((a, b) => (a.sentAt !== b.sentAt ? a.sentAt - b.sentAt : a.id < b.id ? -1 : 1));
  render(entries.slice(-SHOWN).map((e) => ({ author: e.author, body: e.type === 'message' ? e.body : null })));
  const paintedAt = await painted();
  const index = entries.map((e) => (e.type === 'message' ? e.body : '').toLowerCase());
  const searchableAt = performance.now();
  const hits = index.filter((b) => b.includes('garden')).length;
  await persistence.destroy();
  const shown = Math.min(SHOWN, entries.length);
  return { scriptMs, startedMs, paintedMs: paintedAt, fromRecent: false, recentShown: 0, recentMatches: false, openMs, loadedMs, fullPaintedMs: paintedAt, searchableMs: searchableAt, shown, total: entries.length, verified: false, hits };
}

async function main(): Promise<void> {
  const p = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Params;
  try {
    const value = p.mode === 'populate' ? await populate(p) : p.mode === 'compact' ? await compact(p) : p.mode === 'open' ? await open(p) : await plainOpen();
    w.__benchResult = { ok: true, value };
  } catch (error) {
    w.__benchResult = { ok: false, error: String((error as Error)?.stack ?? error) };
  }
}

void main();
