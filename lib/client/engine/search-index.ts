// The on-device search index over every conversation: normalised token -> message refs, in memory.
// Pure (no storage, no Yjs): search-store.ts feeds it from the replicas and keeps it sealed in IndexedDB.

export interface IndexedMessage {
  docId: string;
  messageId: string;
  /** The author's member key (base64url signing key); names are looked up when results are shown. */
  author: string;
  sentAt: number;
  /** The latest verified text. Deleted messages are removed, never indexed with an empty body. */
  body: string;
  /** The message's own signature checked out (shown as unverified otherwise, like in the conversation). */
  verified: boolean;
}

export interface SearchHit {
  docId: string;
  messageId: string;
  author: string;
  sentAt: number;
  verified: boolean;
  snippet: string;
  /** Where the query's terms occur in `snippet` (UTF-16 offsets, end exclusive), for highlighting. */
  highlights: Array<{ start: number; end: number }>;
}

export interface SearchOptions {
  limit?: number;
  /** Only these documents (e.g. the conversations the device is still a member of). */
  docs?: ReadonlySet<string>;
}

/** Longer words are cut: the index stays small and a prefix of the cut word still finds it. */
export const MAX_TOKEN_LENGTH = 48;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const SEPARATOR = /[^\p{L}\p{N}]+/u;
const MARKS = /\p{M}/gu;
const ASCII_WORD = /^[A-Za-z0-9]+$/;
const SNIPPET_BEFORE = 30;
const SNIPPET_LENGTH = 120;

/** Compatibility-decomposed, lowercased, without diacritics: "Crème Brûlée" and "creme brulee" meet. */
export function normalise(text: string): string {
  // Lowercasing can itself produce combining marks (İ -> i + U+0307), so marks go last.
  return text.normalize('NFKD').toLowerCase().replace(MARKS, '');
}

/** The tokens of a text with the span of the word each came from, in order (repeats included). */
export function tokenSpans(text: string): Array<{ token: string; start: number; end: number }> {
  const out: Array<{ token: string; start: number; end: number }> = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const end = start + match[0].length;
    // ASCII words need only lowercasing; the rest may decompose, even into several parts ("½" becomes
    // "1⁄2"), each mapping back to the whole word.
    if (ASCII_WORD.test(match[0])) {
      out.push({ token: match[0].toLowerCase().slice(0, MAX_TOKEN_LENGTH), start, end });
      continue;
    }
    for (const part of normalise(match[0]).split(SEPARATOR)) {
      if (part.length > 0) out.push({ token: part.slice(0, MAX_TOKEN_LENGTH), start, end });
    }
  }
  return out;
}

/** The distinct tokens of a text: the same tokens as tokenSpans, without the spans (indexing is the hot path). */
export function tokenize(text: string): string[] {
  const out = new Set<string>();
  for (const part of normalise(text).split(SEPARATOR)) if (part.length > 0) out.add(part.slice(0, MAX_TOKEN_LENGTH));
  return [...out];
}

/** Terms every hit must contain, and the last term as typed so far (prefix match), if the query ends in a word. */
export function parseQuery(query: string): { exact: string[]; prefix: string | null } {
  const terms = tokenSpans(query).map((t) => t.token);
  const endsInWord = /[\p{L}\p{N}\p{M}]$/u.test(query);
  const prefix = endsInWord ? (terms.pop() ?? null) : null;
  return { exact: [...new Set(terms)], prefix };
}

const refOf = (docId: string, messageId: string): string => `${docId} ${messageId}`;

export class SearchIndex {
  readonly #messages = new Map<string, IndexedMessage>();
  readonly #postings = new Map<string, Set<string>>();
  readonly #byDoc = new Map<string, Set<string>>();

  get size(): number {
    return this.#messages.size;
  }

  get(docId: string, messageId: string): IndexedMessage | undefined {
    return this.#messages.get(refOf(docId, messageId));
  }

  messagesOf(docId: string): IndexedMessage[] {
    const refs = this.#byDoc.get(docId);
    return refs ? [...refs].map((ref) => this.#messages.get(ref)!) : [];
  }

  /** Adds or replaces a message. Returns false when it was already indexed exactly like this. */
  upsert(message: IndexedMessage): boolean {
    const ref = refOf(message.docId, message.messageId);
    const previous = this.#messages.get(ref);
    if (
      previous &&
      previous.body === message.body &&
      previous.sentAt === message.sentAt &&
      previous.author === message.author &&
      previous.verified === message.verified
    ) {
      return false;
    }
    if (previous) this.#unpost(ref, previous.body);
    const stored: IndexedMessage = { ...message };
    this.#messages.set(ref, stored);
    for (const token of tokenize(stored.body)) {
      const refs = this.#postings.get(token);
      if (refs) refs.add(ref);
      else this.#postings.set(token, new Set([ref]));
    }
    const docRefs = this.#byDoc.get(message.docId);
    if (docRefs) docRefs.add(ref);
    else this.#byDoc.set(message.docId, new Set([ref]));
    return true;
  }

  /** Returns false when the message was not indexed. */
  remove(docId: string, messageId: string): boolean {
    const ref = refOf(docId, messageId);
    const previous = this.#messages.get(ref);
    if (!previous) return false;
    this.#unpost(ref, previous.body);
    this.#messages.delete(ref);
    const docRefs = this.#byDoc.get(docId);
    docRefs?.delete(ref);
    if (docRefs?.size === 0) this.#byDoc.delete(docId);
    return true;
  }

  removeDoc(docId: string): void {
    for (const message of this.messagesOf(docId)) this.remove(docId, message.messageId);
  }

  /** Messages containing every term (the last one as a prefix), newest first. */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const limit = options.limit ?? 50;
    const { exact, prefix } = parseQuery(query);
    if (limit <= 0 || (exact.length === 0 && prefix === null)) return [];
    const sets: Array<Set<string>> = [];
    for (const term of exact) {
      const refs = this.#postings.get(term);
      if (!refs) return [];
      sets.push(refs);
    }
    if (prefix !== null) {
      const union = new Set<string>();
      // A scan of the vocabulary (tens of thousands of words) costs well under a millisecond; no trie to keep.
      for (const [token, refs] of this.#postings) {
        if (token.startsWith(prefix)) for (const ref of refs) union.add(ref);
      }
      if (union.size === 0) return [];
      sets.push(union);
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    const found: IndexedMessage[] = [];
    for (const ref of smallest!) {
      if (!others.every((s) => s.has(ref))) continue;
      const message = this.#messages.get(ref)!;
      if (options.docs && !options.docs.has(message.docId)) continue;
      found.push(message);
    }
    found.sort((a, b) => b.sentAt - a.sentAt || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    const terms = new Set(exact);
    return found.slice(0, limit).map((m) => ({
      docId: m.docId,
      messageId: m.messageId,
      author: m.author,
      sentAt: m.sentAt,
      verified: m.verified,
      ...snippet(m.body, (token) => terms.has(token) || (prefix !== null && token.startsWith(prefix))),
    }));
  }

  #unpost(ref: string, body: string): void {
    for (const token of tokenize(body)) {
      const refs = this.#postings.get(token);
      refs?.delete(ref);
      if (refs?.size === 0) this.#postings.delete(token);
    }
  }
}

/** A window of the text around the first matching word, with every match inside it marked. */
export function snippet(body: string, matches: (token: string) => boolean): { snippet: string; highlights: SearchHit['highlights'] } {
  const spans = tokenSpans(body).filter((s) => matches(s.token));
  const first = spans[0];
  let from = 0;
  if (first && first.start > SNIPPET_BEFORE) {
    from = first.start - SNIPPET_BEFORE;
    // Start at a word boundary rather than mid-word.
    const space = body.indexOf(' ', from);
    if (space !== -1 && space < first.start) from = space + 1;
  }
  let to = Math.min(body.length, from + SNIPPET_LENGTH);
  if (to < body.length) {
    const space = body.lastIndexOf(' ', to);
    if (space > (first?.end ?? from)) to = space;
  }
  // Never cut a surrogate pair in half.
  if (from > 0 && /[\uDC00-\uDFFF]/.test(body[from] ?? '')) from--;
  if (to < body.length && /[\uD800-\uDBFF]/.test(body[to - 1] ?? '')) to++;
  const lead = from > 0 ? '…' : '';
  const shift = lead.length - from;
  const highlights: SearchHit['highlights'] = [];
  let last = -1;
  for (const s of spans) {
    // One word can yield several tokens; it is highlighted once.
    if (s.start < from || s.end > to || s.start === last) continue;
    last = s.start;
    highlights.push({ start: s.start + shift, end: s.end + shift });
  }
  return { snippet: lead + body.slice(from, to) + (to < body.length ? '…' : ''), highlights };
}
