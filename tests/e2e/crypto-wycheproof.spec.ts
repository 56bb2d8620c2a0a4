// The same lib/crypto wrapper, bundled as-is, running inside Debian Chromium: Wycheproof verdicts must match the
// ones Node gives, and values derived in the browser must equal those derived in Node.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import * as nodeCrypto from '../../lib/crypto/index';

type CryptoModule = typeof nodeCrypto;
interface Case {
  tcId: number;
  pk: string;
  msg: string;
  sig: string;
  result: string;
}

const ORIGIN = 'http://localhost:4999'; // localhost is a secure context, so crypto.subtle exists
const root = fileURLToPath(new URL('../../', import.meta.url));

function loadCases(): { numberOfTests: number; cases: Case[] } {
  const file = JSON.parse(readFileSync(`${root}tests/unit/fixtures/wycheproof-ed25519.json`, 'utf8')) as {
    numberOfTests: number;
    testGroups: { publicKey: { pk: string }; tests: Omit<Case, 'pk'>[] }[];
  };
  const cases = file.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })));
  return { numberOfTests: file.numberOfTests, cases };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

test('lib/crypto gives every Wycheproof verdict and the same derived values in Chromium as in Node', async ({ page }) => {
  const bundle = await build({
    entryPoints: [`${root}lib/crypto/index.ts`],
    bundle: true,
    format: 'iife',
    globalName: 'HasNeedsCrypto',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  expect(script).not.toMatch(/require\(["']node:/);

  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/crypto.js') return route.fulfill({ contentType: 'text/javascript', body: script });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html><head><title>crypto</title><script src="/crypto.js"></script></head><body></body></html>',
    });
  });
  await page.goto(`${ORIGIN}/`);
  expect(await page.evaluate(() => window.isSecureContext && typeof crypto.subtle === 'object')).toBe(true);

  const { numberOfTests, cases } = loadCases();
  expect(cases).toHaveLength(numberOfTests);

  // Strict policy, as in the unit test: only 'valid' verifies ('acceptable', absent from this file, must not).
  const verdicts = await page.evaluate(async (vectors: Case[]) => {
    const c = (globalThis as unknown as { HasNeedsCrypto: CryptoModule }).HasNeedsCrypto;
    const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
    const web = c.createVerifier(c.webCryptoBackend());
    const fallback = c.createVerifier(c.tweetnaclBackend());
    const out: { tcId: number; web: boolean; fallback: boolean }[] = [];
    for (const v of vectors) {
      const [m, s, k] = [fromHex(v.msg), fromHex(v.sig), fromHex(v.pk)];
      out.push({ tcId: v.tcId, web: await web.verifyRaw(m, s, k), fallback: await fallback.verifyRaw(m, s, k) });
    }
    return out;
  }, cases);

  expect(verdicts).toHaveLength(cases.length);
  const mismatches = verdicts.filter((v, i) => {
    const expected = cases[i]!.result === 'valid';
    return v.tcId !== cases[i]!.tcId || v.web !== expected || v.fallback !== expected;
  });
  expect(mismatches).toEqual([]);

  // Cross-runtime: a context signature made in Node verifies in Chromium only under its own context.
  const alice = nodeCrypto.generateIdentity();
  const message = new TextEncoder().encode('made in node');
  const signature = nodeCrypto.sign('hasneeds/envelope/v1', message, alice.signing.secretKey);
  const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
  const recoveryKey = Uint8Array.from({ length: 32 }, (_, i) => i + 100);
  const browser = await page.evaluate(
    async ({ msg, sig, pk, saltHex, recoveryHex }) => {
      const c = (globalThis as unknown as { HasNeedsCrypto: CryptoModule }).HasNeedsCrypto;
      const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
      const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const best = await c.bestEd25519Backend();
      const verifier = c.createVerifier(best.backend);
      const ownContext = await verifier.verify('hasneeds/envelope/v1', fromHex(msg), fromHex(sig), fromHex(pk));
      const otherContext = await verifier.verify('hasneeds/message/v1', fromHex(msg), fromHex(sig), fromHex(pk));
      const started = performance.now();
      const keys = await c.derivePassphraseKeys('correct horse battery staple', fromHex(saltHex), c.KDF_ITERATIONS);
      const pbkdf2Ms = performance.now() - started;
      const recovery = await c.deriveRecoveryKeys(fromHex(recoveryHex));
      const safety = await c.safetyNumber(
        { id: 'alice', signingPublicKey: new Uint8Array(32).fill(1) },
        { id: 'bob', signingPublicKey: new Uint8Array(32).fill(2) },
      );
      return {
        backendName: best.name,
        ownContext,
        otherContext,
        pbkdf2Ms,
        authKey: toHex(keys.authKey),
        wrapKey: toHex(keys.wrapKey),
        recoveryAuth: toHex(recovery.authKey),
        formatted: c.formatRecoveryKey(fromHex(recoveryHex)),
        safety,
      };
    },
    { msg: hex(message), sig: hex(signature), pk: hex(alice.signing.publicKey), saltHex: hex(salt), recoveryHex: hex(recoveryKey) },
  );

  console.log(`PBKDF2-SHA256 ${nodeCrypto.KDF_ITERATIONS} iterations + HKDF split in Chromium: ${Math.round(browser.pbkdf2Ms)} ms`);

  expect(browser.backendName).toBe('webcrypto');
  expect(browser.ownContext).toBe(true);
  expect(browser.otherContext).toBe(false);
  const nodeKeys = await nodeCrypto.derivePassphraseKeys('correct horse battery staple', salt, nodeCrypto.KDF_ITERATIONS);
  expect(browser.authKey).toBe(hex(nodeKeys.authKey));
  expect(browser.wrapKey).toBe(hex(nodeKeys.wrapKey));
  expect(browser.recoveryAuth).toBe(hex((await nodeCrypto.deriveRecoveryKeys(recoveryKey)).authKey));
  expect(browser.formatted).toBe(nodeCrypto.formatRecoveryKey(recoveryKey));
  expect(browser.safety).toBe(
    await nodeCrypto.safetyNumber(
      { id: 'alice', signingPublicKey: new Uint8Array(32).fill(1) },
      { id: 'bob', signingPublicKey: new Uint8Array(32).fill(2) },
    ),
  );
});
