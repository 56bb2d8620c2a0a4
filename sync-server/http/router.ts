// A tiny router: method + pattern (`/api/users/:handle`). Routes are tried in the order added,
// so a literal segment (`/api/sessions/current`) registered first wins over a parameter.

export type Params = Record<string, string>;

export type Match<H> =
  | { kind: 'found'; handler: H; pattern: string; params: Params }
  | { kind: 'method_not_allowed'; allow: string[]; pattern: string }
  | { kind: 'not_found' };

interface Entry<H> {
  method: string;
  pattern: string;
  segments: string[];
  handler: H;
}

export interface Router<H> {
  add(method: string, pattern: string, handler: H): void;
  match(method: string, pathname: string): Match<H>;
}

export function createRouter<H>(): Router<H> {
  const entries: Entry<H>[] = [];

  return {
    add(method, pattern, handler) {
      entries.push({ method, pattern, segments: pattern.split('/'), handler });
    },
    match(method, pathname) {
      const parts = pathname.split('/');
      const allow: string[] = [];
      let allowPattern = '';
      for (const entry of entries) {
        const params = matchSegments(entry.segments, parts);
        if (params === null) continue;
        if (entry.method === method) return { kind: 'found', handler: entry.handler, pattern: entry.pattern, params };
        if (!allow.includes(entry.method)) allow.push(entry.method);
        allowPattern ||= entry.pattern;
      }
      return allow.length > 0 ? { kind: 'method_not_allowed', allow, pattern: allowPattern } : { kind: 'not_found' };
    },
  };
}

function matchSegments(pattern: string[], parts: string[]): Params | null {
  if (pattern.length !== parts.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith(':')) {
      if (got === '') return null;
      const decoded = safeDecode(got);
      if (decoded === null) return null;
      params[want.slice(1)] = decoded;
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    // A malformed %-escape cannot name anything; treat it as no match.
    return null;
  }
}
