// What the drivers of the Chromium benchmarks share: bundling a page (bench/browser/*) into the directory the sync
// server serves, and signing up an account for it through the real API.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SessionGrant } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import type { fastIdentity } from './fast-keys';
import type { BenchServer } from './server-process';

const b64 = (n: number) => toBase64url(new Uint8Array(randomBytes(n)));

/** Bundles `entry` as `bench.js` with an `index.html` that loads it (minified unless a profile wants names). */
export async function bundlePage(entry: string, dir: string, o: { title: string; minify?: boolean }): Promise<void> {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: o.minify ?? true,
    outfile: join(dir, 'bench.js'),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html lang="en"><meta charset="utf-8"><title>${o.title}</title><script type="module" src="/bench.js"></script></html>`);
}

/** A real sign-up with the identity's public keys (the KDF values are random: nobody signs in with them). */
export async function signUp(server: BenchServer, name: string, identity: ReturnType<typeof fastIdentity>): Promise<SessionGrant> {
  const response = await fetch(`${server.url}/api/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      handle: `${name}_${randomBytes(4).toString('hex')}`,
      displayName: name,
      deviceName: 'bench',
      signingPublicKey: toBase64url(identity.signing.publicKey),
      boxPublicKey: toBase64url(identity.box.publicKey),
      kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) },
      authKey: b64(32),
      recoveryAuthKey: b64(32),
      passphraseBackup: b64(136),
      recoveryBackup: b64(136),
    }),
  });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  return SessionGrant.parse(await response.json());
}
