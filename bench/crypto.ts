// Benchmark 6: the cryptography the rest stands on, so every choice in the code is backed by a figure.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { performance as nodePerformance } from 'node:perf_hooks';
import nacl from 'tweetnacl';
import { createVerifier, derivePassphraseKeys, frameSigned, sign, tweetnaclBackend, webCryptoBackend } from '../lib/crypto';
import { nodeEd25519Backend } from '../sync-server/crypto/node-ed25519';
import { pick, type BenchContext } from './lib/context';
import { commitLatency } from './lib/disk';
import { checkFastSealing, fastIdentity } from './lib/fast-keys';
import { servePage } from './lib/static-server';
import { asyncOpsPerSecond, median, opsPerSecond } from './lib/stats';
import type { BenchResult, Row } from './lib/table';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** About one chat entry: what the server verifies per envelope. */
const MESSAGE_BYTES = 500;

/**
 * Reference (a) of the relay benchmark: node:crypto Ed25519 verifications of one envelope-sized message per second
 * on one core, with a cached KeyObject. Measured once per run and shared; a run without this benchmark measures it
 * where it is needed.
 */
export function nodeVerifyLimit(ctx: BenchContext): number {
  const known = ctx.shared.get('verify.node.raw');
  if (known !== undefined) return known;
  const id = fastIdentity();
  const message = new Uint8Array(nacl.randomBytes(MESSAGE_BYTES));
  const signature = sign('hasneeds/envelope/v1', message, id.signing.secretKey);
  const framed = frameSigned('hasneeds/envelope/v1', message);
  const keyObject = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, id.signing.publicKey]), format: 'der', type: 'spki' });
  const rate = opsPerSecond(() => void nodeVerify(null, framed, keyObject, signature), { maxMs: pick(ctx, 150, 600), maxCount: 100_000 }).perSecond;
  ctx.shared.set('verify.node.raw', rate);
  return rate;
}

export async function cryptoBench(ctx: BenchContext): Promise<BenchResult> {
  const started = performance.now();
  const maxMs = pick(ctx, 150, 600);
  const notes: string[] = [];
  checkFastSealing();
  notes.push('the load generators sign with node:crypto; checked byte-identical to lib/crypto sign and sealEnvelope before measuring');

  const id = fastIdentity();
  const message = new Uint8Array(nacl.randomBytes(MESSAGE_BYTES));
  const signature = sign('hasneeds/envelope/v1', message, id.signing.secretKey);
  const framed = frameSigned('hasneeds/envelope/v1', message);
  const keyObject = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, id.signing.publicKey]), format: 'der', type: 'spki' });

  const nodeRaw = opsPerSecond(() => void nodeVerify(null, framed, keyObject, signature), { maxMs, maxCount: 100_000 });
  ctx.shared.set('verify.node.raw', nodeRaw.perSecond);
  const serverBackend = nodeEd25519Backend();
  const serverVerifier = createVerifier(serverBackend);
  const nodeWrapped = await asyncOpsPerSecond(() => serverVerifier.verify('hasneeds/envelope/v1', message, signature, id.signing.publicKey), {
    maxMs,
    maxCount: 100_000,
  });
  // What the sync server does: node:crypto on libuv's thread pool, many in flight; the event loop only dispatches.
  const offThread = await offThreadVerify(createVerifier({ verify: (m, sg, k) => serverBackend.verifyOffThread(m, sg, k) }), message, signature, id.signing.publicKey, maxMs);
  const webVerifier = createVerifier(webCryptoBackend());
  const webNode = await asyncOpsPerSecond(() => webVerifier.verify('hasneeds/envelope/v1', message, signature, id.signing.publicKey), {
    maxMs,
    maxCount: 100_000,
  });
  const naclVerifier = createVerifier(tweetnaclBackend());
  const naclVerify = await asyncOpsPerSecond(() => naclVerifier.verify('hasneeds/envelope/v1', message, signature, id.signing.publicKey), {
    maxMs: Math.max(maxMs, 300),
    maxCount: 2_000,
  });
  const naclSign = opsPerSecond(() => void sign('hasneeds/envelope/v1', message, id.signing.secretKey), { maxMs: Math.max(maxMs, 300), maxCount: 2_000, batch: 1 });
  const nodeSign = opsPerSecond(() => void id.signer.sign('hasneeds/envelope/v1', message), { maxMs, maxCount: 100_000 });

  const subtle = globalThis.crypto.subtle;
  const aesKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const sbKey = nacl.randomBytes(32);
  const nonce = nacl.randomBytes(24);
  const small = new Uint8Array(nacl.randomBytes(200));
  const large = new Uint8Array(nacl.randomBytes(64 * 1024));
  const sealedSmall = nacl.secretbox(small, nonce, sbKey);
  const sealSmall = opsPerSecond(() => void nacl.secretbox(small, nonce, sbKey), { maxMs, maxCount: 1_000_000 });
  const openSmall = opsPerSecond(() => void nacl.secretbox.open(sealedSmall, nonce, sbKey), { maxMs, maxCount: 1_000_000 });
  const aesSmall = await asyncOpsPerSecond(() => subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, small), { maxMs, maxCount: 1_000_000 });
  const sealLarge = opsPerSecond(() => void nacl.secretbox(large, nonce, sbKey), { maxMs, maxCount: 100_000, batch: 1 });
  const aesLarge = await asyncOpsPerSecond(() => subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, large), { maxMs, maxCount: 100_000 });
  const them = nacl.box.keyPair();
  const boxSmall = opsPerSecond(() => void nacl.box(small, nonce, them.publicKey, id.box.secretKey), { maxMs: Math.max(maxMs, 300), maxCount: 10_000, batch: 1 });

  const kdfRuns = pick(ctx, 1, 3);
  const salt = nacl.randomBytes(16);
  const kdfMs: number[] = [];
  for (let i = 0; i < kdfRuns; i++) {
    const t = performance.now();
    await derivePassphraseKeys('correct horse battery staple', salt, 600_000);
    kdfMs.push(performance.now() - t);
  }

  const diskMs = pick(ctx, 500, 2000);
  const diskFull = commitLatency('FULL', { maxMs: diskMs, maxCount: 20_000 });
  const diskOff = commitLatency('OFF', { maxMs: diskMs / 2, maxCount: 20_000 });

  const browserFigures = await inChromium(ctx, maxMs, kdfRuns).catch((error: unknown) => {
    notes.push(`Chromium figures missing: ${String(error)}`);
    return null;
  });

  const MB = (perSecond: number, bytes: number) => (perSecond * bytes) / 1e6;
  const rows: Row[] = [
    { figure: 'verify node:crypto raw, cached KeyObject (limit a)', value: nodeRaw.perSecond, unit: '/s', reference: { name: 'tweetnacl verify', value: naclVerify.perSecond } },
    { figure: 'verify server path: createVerifier(node:crypto)', value: nodeWrapped.perSecond, unit: '/s', reference: { name: 'node:crypto raw (a)', value: nodeRaw.perSecond } },
    {
      figure: `verify server path on the thread pool, ${OFF_THREAD_IN_FLIGHT} in flight`,
      value: offThread.perSecond,
      unit: '/s',
      reference: { name: 'node:crypto raw (a)', value: nodeRaw.perSecond },
    },
    {
      figure: 'event-loop time per verify on the thread pool',
      value: offThread.loopUs,
      unit: 'µs',
      reference: { name: 'on the loop, raw (a)', value: 1e6 / nodeRaw.perSecond, unit: 'µs' },
    },
    { figure: 'verify client path in Node: createVerifier(WebCrypto)', value: webNode.perSecond, unit: '/s', reference: { name: 'node:crypto raw (a)', value: nodeRaw.perSecond } },
  ];
  if (browserFigures) {
    rows.push({ figure: 'verify Chromium WebCrypto, cached key', value: browserFigures.verify, unit: '/s', reference: { name: 'node:crypto raw (a)', value: nodeRaw.perSecond } });
  }
  rows.push(
    { figure: 'verify tweetnacl (fallback only)', value: naclVerify.perSecond, unit: '/s', reference: { name: 'node:crypto raw (a)', value: nodeRaw.perSecond } },
    { figure: 'sign tweetnacl (clients sign with it)', value: naclSign.perSecond, unit: '/s', reference: { name: 'node:crypto sign', value: nodeSign.perSecond } },
  );
  if (browserFigures) {
    rows.push({ figure: 'sign Chromium WebCrypto', value: browserFigures.sign, unit: '/s', reference: { name: 'tweetnacl sign (Node)', value: naclSign.perSecond } });
  }
  rows.push(
    { figure: 'secretbox seal 200 B', value: sealSmall.perSecond, unit: '/s', reference: { name: 'AES-256-GCM WebCrypto 200 B', value: aesSmall.perSecond } },
    { figure: 'secretbox open 200 B', value: openSmall.perSecond, unit: '/s', reference: { name: 'secretbox seal 200 B', value: sealSmall.perSecond } },
    { figure: 'secretbox seal 64 KiB', value: MB(sealLarge.perSecond, large.length), unit: 'MB/s', reference: { name: 'AES-256-GCM WebCrypto 64 KiB', value: MB(aesLarge.perSecond, large.length) } },
    { figure: 'box 200 B (key agreement + secretbox)', value: boxSmall.perSecond, unit: '/s', reference: { name: 'secretbox seal 200 B', value: sealSmall.perSecond } },
    {
      figure: 'PBKDF2-SHA256 600k + HKDF, Node (sign-in wait)',
      value: median(kdfMs),
      unit: 'ms',
      ...(browserFigures ? { reference: { name: 'same in Chromium', value: browserFigures.pbkdf2Ms } } : {}),
    },
  );
  rows.push(
    { figure: 'SQLite WAL commit, synchronous=FULL, p50', value: diskFull.p50, unit: 'ms', reference: { name: 'synchronous=OFF p50', value: diskOff.p50 } },
    { figure: 'SQLite WAL commit, synchronous=FULL, p99', value: diskFull.p99, unit: 'ms', reference: { name: 'synchronous=OFF p99', value: diskOff.p99 } },
    { figure: 'SQLite WAL commit, synchronous=FULL, max', value: diskFull.max, unit: 'ms', reference: { name: 'synchronous=OFF max', value: diskOff.max } },
  );
  notes.push(`Ed25519 over ${MESSAGE_BYTES} B messages; async verifiers measured one call at a time (one core); PBKDF2 median of ${kdfRuns}`);
  return { id: 'crypto', title: '6. Crypto (and disk) microbenchmarks (Node 20 and headless Chromium)', rows, notes, ms: performance.now() - started };
}

interface BrowserFigures {
  verify: number;
  sign: number;
  pbkdf2Ms: number;
}

async function inChromium(ctx: BenchContext, maxMs: number, kdfRuns: number): Promise<BrowserFigures> {
  const browser = await ctx.browser();
  const page = await browser.newPage();
  const site = await servePage('<!doctype html><title>crypto bench</title>');
  try {
    await page.goto(site.url);
    // tsx keeps function names with an `__name` helper that does not exist in the page.
    await page.evaluate('window.__name = (f) => f');
    return await page.evaluate(
      async ({ maxMs, kdfRuns, bytes }) => {
        const subtle = crypto.subtle;
        const pair = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
        const raw = await subtle.exportKey('raw', pair.publicKey);
        const publicKey = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
        const message = crypto.getRandomValues(new Uint8Array(bytes));
        const signature = await subtle.sign({ name: 'Ed25519' }, pair.privateKey, message);
        const rate = async (op: () => Promise<unknown>) => {
          await op();
          const t = performance.now();
          let n = 0;
          while (performance.now() - t < maxMs && n < 100_000) {
            await op();
            n++;
          }
          return (n * 1000) / (performance.now() - t);
        };
        const verify = await rate(() => subtle.verify({ name: 'Ed25519' }, publicKey, signature, message));
        const sign = await rate(() => subtle.sign({ name: 'Ed25519' }, pair.privateKey, message));
        const base = await subtle.importKey('raw', new TextEncoder().encode('correct horse battery staple'), 'PBKDF2', false, ['deriveBits']);
        const times: number[] = [];
        for (let i = 0; i < kdfRuns; i++) {
          const t = performance.now();
          await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: 600_000 }, base, 256);
          times.push(performance.now() - t);
        }
        times.sort((a, b) => a - b);
        return { verify, sign, pbkdf2Ms: times[Math.floor(times.length / 2)]! };
      },
      { maxMs, kdfRuns, bytes: MESSAGE_BYTES },
    );
  } finally {
    await page.close();
    await site.close();
  }
}

const OFF_THREAD_IN_FLIGHT = 64;

/** Throughput with many verifications in flight, and the event loop's busy time per verification (its utilisation). */
async function offThreadVerify(
  verifier: ReturnType<typeof createVerifier>,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
  maxMs: number,
): Promise<{ perSecond: number; loopUs: number }> {
  const elu = nodePerformance.eventLoopUtilization();
  const t0 = performance.now();
  let done = 0;
  const worker = async () => {
    while (performance.now() - t0 < maxMs && done < 100_000) {
      if (!(await verifier.verify('hasneeds/envelope/v1', message, signature, publicKey))) throw new Error('a valid signature did not verify');
      done++;
    }
  };
  await Promise.all(Array.from({ length: OFF_THREAD_IN_FLIGHT }, worker));
  const ms = performance.now() - t0;
  const used = nodePerformance.eventLoopUtilization(elu);
  return { perSecond: (done * 1000) / ms, loopUs: (used.active * 1000) / done };
}
