// Builds the static export (out/) and its service worker (out/sw.js), skipping the work when asked
// and nothing the build reads has changed since the last build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build as esbuild } from 'esbuild';
import { injectManifest } from 'workbox-build';

const ROOT = process.cwd();
const OUT = join(ROOT, 'out');
const STAMP = join(OUT, '.build-stamp');
const INPUTS = ['app', 'lib', 'public', 'next.config.ts', 'package-lock.json', 'scripts/build.ts', 'tsconfig.json'];

function* walk(path: string): Generator<string> {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isFile()) {
    yield path;
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    yield* walk(join(path, name));
  }
}

/** A content hash of every input: mtimes lie after a fresh clone, content does not. */
export function inputsDigest(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of walk(join(ROOT, input))) {
      hash.update(relative(ROOT, file));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

export function isBuildFresh(digest = inputsDigest()): boolean {
  return existsSync(join(OUT, 'sw.js')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

export async function buildApp(options: { ifStale: boolean }): Promise<void> {
  const digest = inputsDigest();
  if (options.ifStale && isBuildFresh(digest)) {
    console.log('build: out/ is up to date');
    return;
  }
  const started = Date.now();
  rmSync(OUT, { recursive: true, force: true });
  await run(join(ROOT, 'node_modules', '.bin', 'next'), ['build']);

  const swSource = join(ROOT, '.next', 'sw.src.js');
  await esbuild({
    entryPoints: [join(ROOT, 'lib/client/sw/service-worker.ts')],
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2022',
    outfile: swSource,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: swSource,
    swDest: join(OUT, 'sw.js'),
    globDirectory: OUT,
    globPatterns: ['**/*.{html,txt,js,css,json,webmanifest,png,svg,ico,woff2}'],
    globIgnores: ['sw.js', '.build-stamp', '404/**'],
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    // Next's hashed assets never change under the same name.
    dontCacheBustURLsMatching: /^_next\/static\//,
  });
  for (const warning of warnings) console.warn(`build: ${warning}`);
  writeFileSync(STAMP, digest);
  console.log(`build: exported app and service worker (${count} files, ${(size / 1024).toFixed(0)} KiB precached) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

