// The static export and the security headers: every response (API, static, errors, refused upgrades)
// carries a strict CSP that lists the export's inline-script hashes instead of 'unsafe-inline'.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type ApiResponse } from './helpers/api';
import { rawRequest } from './helpers/raw-http';
import { openSocket } from './helpers/socket';
import { startServer, tempDir, type TestServer } from './helpers/server';

const INLINE_A = 'self.__next_f=self.__next_f||[];self.__next_f.push([0])';
const INLINE_B = 'self.__next_f.push([1,"page two"])';
const sha = (script: string): string => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;

let staticDir: string;
let server: TestServer;
beforeAll(async () => {
  staticDir = tempDir('hn-static-');
  const write = (path: string, content: string): void => {
    mkdirSync(join(staticDir, path, '..'), { recursive: true });
    writeFileSync(join(staticDir, path), content);
  };
  write('index.html', `<!doctype html><html><head><script src="/_next/static/chunks/main-abc.js" async></script></head><body><script>${INLINE_A}</script></body></html>`);
  write('c/index.html', `<!doctype html><html><body>conversation<script>${INLINE_B}</script></body></html>`);
  write('404.html', '<!doctype html><html><body>Nothing here</body></html>');
  write('sw.js', 'self.addEventListener("install", () => {});');
  write('manifest.webmanifest', '{"name":"Has-Needs"}');
  write('_next/static/chunks/main-abc.js', 'console.log("app")');
  writeFileSync(join(staticDir, '..', 'secret-outside.txt'), 'must never be served');
  server = await startServer({ staticDir });
});
afterAll(async () => {
  await server.dispose();
  rmSync(staticDir, { recursive: true, force: true });
  rmSync(join(staticDir, '..', 'secret-outside.txt'), { force: true });
});

function directives(response: Pick<ApiResponse, 'headers'>): Map<string, string[]> {
  const csp = response.headers.get('content-security-policy') ?? '';
  return new Map(csp.split(';').map((part) => {
    const [name = '', ...values] = part.trim().split(/\s+/);
    return [name, values];
  }));
}

function expectSecurityHeaders(response: Pick<ApiResponse, 'headers'>, where: string, origin = server.origin): void {
  const csp = directives(response);
  const scripts = csp.get('script-src') ?? [];
  expect(scripts, where).toContain("'self'");
  expect(scripts, where).not.toContain("'unsafe-inline'");
  expect(scripts, where).not.toContain("'unsafe-eval'");
  expect(csp.get('object-src'), where).toEqual(["'none'"]);
  expect(csp.get('base-uri'), where).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), where).toEqual(["'none'"]);
  expect(csp.get('form-action'), where).toEqual(["'self'"]);
  expect(csp.get('worker-src'), where).toEqual(["'self'"]);
  expect(csp.get('manifest-src'), where).toEqual(["'self'"]);
  expect(csp.get('connect-src'), where).toEqual(["'self'", origin.replace(/^http/, 'ws')]);
  expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
  expect(response.headers.get('referrer-policy'), where).toBe('no-referrer');
  expect(response.headers.get('permissions-policy'), where).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  expect(response.headers.get('cross-origin-opener-policy'), where).toBe('same-origin');
}

describe('security headers', () => {
  it('lists the sha256 of every inline script of every exported page, and no script with src', async () => {
    const response = await call(server, 'GET', '/');
    const scripts = directives(response).get('script-src') ?? [];
    expect(scripts).toContain(sha(INLINE_A));
    expect(scripts).toContain(sha(INLINE_B));
    expect(scripts).toHaveLength(3);
  });

  it('puts the headers on API answers, API errors, pages, assets, 404s, redirects and refused upgrades', async () => {
    const responses: [string, Pick<ApiResponse, 'headers'>][] = [
      ['health', await call(server, 'GET', '/api/health')],
      ['API 404', await call(server, 'GET', '/api/nope')],
      ['API 401', await call(server, 'GET', '/api/account')],
      ['API 400', await call(server, 'POST', '/api/accounts', { raw: '{', headers: { 'content-type': 'application/json' } })],
      ['page', await call(server, 'GET', '/')],
      ['nested page', await call(server, 'GET', '/c/')],
      ['asset', await call(server, 'GET', '/_next/static/chunks/main-abc.js')],
      ['static 404', await call(server, 'GET', '/missing/')],
      ['static 405', await call(server, 'POST', '/')],
      ['redirect', await call(server, 'GET', '/c')],
    ];
    const refused = await openSocket(server, { ticket: 'nope' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) responses.push(['refused upgrade', { headers: new Headers(refused.headers as Record<string, string>) }]);
    const malformed = await rawRequest(server.url, { method: 'GET', path: '/api/health', headers: { 'x-big': 'x'.repeat(20_000) } });
    expect(malformed.status).toBe(431);
    responses.push(['header overflow', { headers: new Headers(malformed.headers as Record<string, string>) }]);
    for (const [where, response] of responses) expectSecurityHeaders(response, where);
  });

  it('marks /api answers no-store', async () => {
    for (const path of ['/api/health', '/api/nope']) {
      expect((await call(server, 'GET', path)).headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('static export', () => {
  it('serves a directory as its index.html and revalidates HTML', async () => {
    const root = await call(server, 'GET', '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(root.headers.get('cache-control')).toBe('no-cache');
    expect(root.text).toContain(INLINE_A);
    const nested = await call(server, 'GET', '/c/?id=abc');
    expect(nested.status).toBe(200);
    expect(nested.text).toContain('conversation');
  });

  it('redirects /c to /c/ keeping the query', async () => {
    const response = await call(server, 'GET', '/c?id=abc');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/c/?id=abc');
  });

  it('caches hashed assets forever and sw.js not at all', async () => {
    const asset = await call(server, 'GET', '/_next/static/chunks/main-abc.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const sw = await call(server, 'GET', '/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect((await call(server, 'GET', '/manifest.webmanifest')).headers.get('content-type')).toBe('application/manifest+json; charset=utf-8');
  });

  it('answers a matching ETag with 304', async () => {
    const first = await call(server, 'GET', '/sw.js');
    const again = await call(server, 'GET', '/sw.js', { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('serves the export’s 404 page for unknown paths', async () => {
    const response = await call(server, 'GET', '/no/such/page/');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Nothing here');
  });

  it('never serves a file outside STATIC_DIR', async () => {
    for (const path of ['/../secret-outside.txt', '/%2e%2e/secret-outside.txt', '/c/%2e%2e/%2e%2e/secret-outside.txt', '/..%2fsecret-outside.txt', '/%2e%2e%5csecret-outside.txt', '/%00']) {
      const response = await rawRequest(server.url, { method: 'GET', path });
      expect(response.status, path).toBe(404);
      expect(String(response.body), path).not.toContain('must never be served');
    }
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const head = await rawRequest(server.url, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await call(server, 'DELETE', '/')).status).toBe(405);
  });

  it('answers pages with a 503 saying to run npm run build when there is no export yet', async () => {
    const bare = await startServer();
    try {
      const response = await call(bare, 'GET', '/');
      expect(response.status).toBe(503);
      expect(response.text).toContain('npm run build');
      expectSecurityHeaders(response, 'no build', bare.origin);
      expect((await call(bare, 'GET', '/api/health')).status).toBe(200);
    } finally {
      await bare.dispose();
    }
  });
});
