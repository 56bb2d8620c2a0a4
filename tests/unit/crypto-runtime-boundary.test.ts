import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// lib/crypto runs in the browser, the service worker and Node alike (style.md): these would break one of them
// or hide state and nondeterminism.
const dir = fileURLToPath(new URL('../../lib/crypto/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const forbidden: [string, RegExp][] = [
  ['a node: import', /from\s+['"]node:/],
  ['a bare Node built-in import', /from\s+['"](crypto|fs|path|buffer|os)['"]/],
  ['a DOM global', /\b(window|document|localStorage|navigator)\./],
  ['Buffer', /\bBuffer\b/],
  ['an env read', /process\.env/],
  ['an implicit clock or random', /Date\.now|Math\.random/],
  ['an import of app or sync-server', /from\s+['"][./]*(app|sync-server)\//],
];

describe('lib/crypto runtime boundary', () => {
  it('has source files to check', () => {
    expect(files).toContain('index.ts');
  });

  for (const [what, pattern] of forbidden) {
    it(`contains no ${what}`, () => {
      const offenders = files.filter((f) => pattern.test(readFileSync(dir + f, 'utf8')));
      expect(offenders).toEqual([]);
    });
  }
});
