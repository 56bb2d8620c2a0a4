import { describe, expect, it } from 'vitest';
import { normalise, parseQuery, SearchIndex, snippet, tokenize, type IndexedMessage } from '../../lib/client/engine/search-index';
import { seededRandom } from './fixtures/seeded-random';

const A = 'doc-a-0000000000000000';
const B = 'doc-b-0000000000000000';

function message(docId: string, n: number, body: string, sentAt = 1_700_000_000_000 + n * 1000): IndexedMessage {
  return { docId, messageId: `msg-${String(n).padStart(12, '0')}`, author: 'author-key', sentAt, body, verified: true };
}

const ids = (hits: Array<{ messageId: string }>) => hits.map((h) => h.messageId);

describe('search normalisation', () => {
  it('lowercases, decomposes compatibility forms and strips diacritics', () => {
    expect(normalise('Crème BRÛLÉE')).toBe('creme brulee');
    expect(normalise('ﬁancé')).toBe('fiance');
    expect(normalise('İstanbul')).toBe('istanbul');
  });

  it('splits on anything that is not a letter or a digit, keeping each token once', () => {
    expect(tokenize('Need: 2 bikes, bikes & a pump! (e-mail me)')).toEqual(['need', '2', 'bikes', 'a', 'pump', 'e', 'mail', 'me']);
    expect(tokenize('Ελληνικά και русский')).toEqual(['ελληνικα', 'και', 'русскии']);
    expect(tokenize('   ...   ')).toEqual([]);
  });

  it('treats the last word of a query as a prefix unless the query ends in a separator', () => {
    expect(parseQuery('garden to')).toEqual({ exact: ['garden'], prefix: 'to' });
    expect(parseQuery('garden tools ')).toEqual({ exact: ['garden', 'tools'], prefix: null });
    expect(parseQuery('?!')).toEqual({ exact: [], prefix: null });
  });
});

describe('the search index', () => {
  it('finds messages containing every term, the last one by prefix, newest first', () => {
    const index = new SearchIndex();
    index.upsert(message(A, 1, 'I have garden tools to lend'));
    index.upsert(message(A, 2, 'Does anyone need gardening gloves?'));
    index.upsert(message(B, 3, 'Tools for the GARDEN are in the shed'));
    index.upsert(message(B, 4, 'Nothing about that here'));
    expect(ids(index.search('garden tool'))).toEqual(['msg-000000000003', 'msg-000000000001']);
    expect(ids(index.search('garden'))).toEqual(['msg-000000000003', 'msg-000000000002', 'msg-000000000001']);
    expect(ids(index.search('garden '))).toEqual(['msg-000000000003', 'msg-000000000001']);
    expect(index.search('bicycle')).toEqual([]);
    expect(index.search('')).toEqual([]);
  });

  it('matches across case and accents in both the text and the query', () => {
    const index = new SearchIndex();
    index.upsert(message(A, 1, 'Le café est fermé'));
    expect(ids(index.search('CAFE ferme'))).toEqual(['msg-000000000001']);
    expect(ids(index.search('fermé'))).toEqual(['msg-000000000001']);
  });

  it('respects the limit and the set of documents asked for', () => {
    const index = new SearchIndex();
    for (let i = 0; i < 10; i++) index.upsert(message(i % 2 ? A : B, i, `offer number ${i}`));
    expect(index.search('offer', { limit: 3 })).toHaveLength(3);
    expect(index.search('offer', { docs: new Set([A]) }).every((h) => h.docId === A)).toBe(true);
    expect(index.search('offer', { docs: new Set([A]) })).toHaveLength(5);
  });

  it('replaces the text of an edited message: the old words no longer find it', () => {
    const index = new SearchIndex();
    index.upsert(message(A, 1, 'meet at the libary'));
    expect(index.upsert(message(A, 1, 'meet at the libary'))).toBe(false);
    expect(index.upsert(message(A, 1, 'meet at the library'))).toBe(true);
    expect(index.search('libary')).toEqual([]);
    expect(ids(index.search('library'))).toEqual(['msg-000000000001']);
    expect(index.size).toBe(1);
  });

  it('forgets a deleted message and a removed document entirely', () => {
    const index = new SearchIndex();
    index.upsert(message(A, 1, 'secret plan'));
    index.upsert(message(A, 2, 'another plan'));
    index.upsert(message(B, 3, 'plan b'));
    expect(index.remove(A, 'msg-000000000001')).toBe(true);
    expect(index.remove(A, 'msg-000000000001')).toBe(false);
    expect(index.search('secret')).toEqual([]);
    expect(index.search('sec')).toEqual([]);
    expect(ids(index.search('plan'))).toEqual(['msg-000000000003', 'msg-000000000002']);
    index.removeDoc(B);
    expect(ids(index.search('plan'))).toEqual(['msg-000000000002']);
    expect(index.messagesOf(B)).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('returns a snippet around the first match with every match highlighted', () => {
    const body = `${'Lorem ipsum dolor sit amet, '.repeat(4)}we still need a Ladder for Saturday, a ladder of 3 m.`;
    const index = new SearchIndex();
    index.upsert(message(A, 1, body));
    const [hit] = index.search('ladd');
    expect(hit).toBeDefined();
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet).toContain('need a Ladder for Saturday');
    expect(hit!.highlights.map((h) => hit!.snippet.slice(h.start, h.end))).toEqual(['Ladder', 'ladder']);
  });

  it('never cuts a snippet inside a surrogate pair', () => {
    const body = `${'🙂'.repeat(40)} bread ${'🙂'.repeat(80)}`;
    const { snippet: shown } = snippet(body, (t) => t === 'bread');
    expect(shown).toContain('bread');
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(shown)).toBe(false);
  });
});

describe('search latency', () => {
  it('answers queries over 10,000 messages (measured and printed, not asserted)', () => {
    const random = seededRandom('search-latency');
    const words = Array.from({ length: 3000 }, (_, i) => {
      const bytes = random(6);
      return Array.from(bytes, (b) => 'abcdefghijklmnopqrstuvwxyzäéö'[b % 29]).join('').slice(0, 3 + (i % 6));
    });
    const pick = () => words[random(2).reduce((a, b) => a * 256 + b, 0) % words.length]!;
    const messages = Array.from({ length: 10_000 }, (_, i) => message(i % 50 === 0 ? B : A, i, Array.from({ length: 6 + (i % 20) }, pick).join(' ')));
    const index = new SearchIndex();
    const built = performance.now();
    for (const m of messages) index.upsert(m);
    const buildMs = performance.now() - built;
    const queries = Array.from({ length: 200 }, (_, i) => (i % 2 ? `${pick()} ${pick().slice(0, 2)}` : pick().slice(0, 3)));
    const times: number[] = [];
    let found = 0;
    for (const q of queries) {
      const t = performance.now();
      found += index.search(q, { limit: 50 }).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    console.log(
      `search over ${index.size} messages: build ${buildMs.toFixed(0)} ms; query p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms (${queries.length} queries, ${found} hits)`,
    );
    expect(index.size).toBe(10_000);
    expect(found).toBeGreaterThan(0);
  });
});
