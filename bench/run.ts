// `npm run bench` runs every benchmark of issue 8, and issue 6's community scale, and prints one table each;
// `npm run bench -- --quick` runs a reduced version in under a minute. `--only=relay,fanout` picks some;
// `--json=FILE` also writes the results; `--profile=DIR` writes V8 CPU profiles of the server's measured windows
// (and of the community-scale pages in Chromium) there (read them with `tsx bench/profile-summary.ts FILE`);
// BENCH_LOG=1 shows the server's log and the page's console. Everything talks to loopback only; every loop is
// bounded in count and time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { coldOpenBench } from './cold-open';
import { communityScaleBench } from './community-scale';
import { connectionsBench } from './connections';
import { cryptoBench } from './crypto';
import { fanoutBench } from './fanout';
import { launchChromium } from './lib/chromium';
import type { BenchContext } from './lib/context';
import { renderTable, type BenchResult } from './lib/table';
import { relayBench } from './relay';
import { storageBench } from './storage';

/** In the order of the priorities: each later one reuses figures of the earlier ones. */
const BENCHMARKS: Array<{ id: string; run: (ctx: BenchContext) => Promise<BenchResult> }> = [
  { id: 'crypto', run: cryptoBench },
  { id: 'relay', run: relayBench },
  { id: 'fanout', run: fanoutBench },
  { id: 'storage', run: storageBench },
  { id: 'connections', run: connectionsBench },
  { id: 'cold-open', run: coldOpenBench },
  { id: 'community-scale', run: communityScaleBench },
];

interface Args {
  quick: boolean;
  only: string[] | null;
  json: string | null;
  profile: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, json: null, profile: null };
  for (const arg of argv) {
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice(7).split(',').filter(Boolean);
    else if (arg.startsWith('--json=')) args.json = resolve(arg.slice(7));
    else if (arg.startsWith('--profile=')) args.profile = resolve(arg.slice(10));
    else throw new Error(`unknown argument ${arg} (use --quick, --only=a,b, --json=FILE, --profile=DIR)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  let browser: Promise<Browser> | null = null;
  if (args.profile) mkdirSync(args.profile, { recursive: true });
  const ctx: BenchContext = {
    quick: args.quick,
    ...(args.profile ? { profileDir: args.profile } : {}),
    browser: () => (browser ??= launchChromium()),
    log: (message) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`),
    shared: new Map(),
  };
  const results: BenchResult[] = [];
  const failures: Array<{ id: string; error: string }> = [];
  console.log(`# Has-Needs benchmarks (${args.quick ? 'quick' : 'full'}) — Node ${process.version}, loopback only`);
  for (const bench of BENCHMARKS) {
    if (args.only && !args.only.includes(bench.id)) continue;
    ctx.log(`${bench.id}: start`);
    try {
      const result = await bench.run(ctx);
      results.push(result);
      console.log('\n' + renderTable(result));
    } catch (error) {
      const text = String((error as Error).stack ?? error);
      failures.push({ id: bench.id, error: text });
      console.log(`\n## ${bench.id}: FAILED\n${text}`);
    }
  }
  if (browser) await (await (browser as Promise<Browser>)).close().catch(() => undefined);
  const totalMs = performance.now() - started;
  console.log(`\nTotal ${(totalMs / 1000).toFixed(1)} s; ${results.length} benchmark(s) ran, ${failures.length} failed.`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ quick: args.quick, totalMs, results, failures }, null, 2));
  process.exit(failures.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
