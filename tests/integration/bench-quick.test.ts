// Keeps the benchmarks from rotting: runs `npm run bench -- --quick` once and checks that every benchmark ran and
// produced sane numbers. It asserts nothing about speed: performance is measured by `npm run bench`, never here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult, Row } from '../../bench/lib/table';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hn-bench-quick-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Output {
  quick: boolean;
  results: BenchResult[];
  failures: Array<{ id: string; error: string }>;
}

function runQuickBench(): Promise<{ code: number | null; output: string; json: Output }> {
  const file = join(dir, 'quick.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', `--json=${file}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ code, output, json: JSON.parse(readFileSync(file, 'utf8')) as Output });
      } catch (error) {
        reject(new Error(`no JSON results (exit ${code}):\n${output}\n${String(error)}`));
      }
    });
  });
}

const rowsOf = (json: Output, id: string): Row[] => json.results.find((r) => r.id === id)?.rows ?? [];
const valueOf = (json: Output, id: string, figure: RegExp): number => {
  const row = rowsOf(json, id).find((r) => figure.test(r.figure));
  if (!row) throw new Error(`no row matching ${figure} in ${id}`);
  return row.value;
};

describe('npm run bench -- --quick', () => {
  it('runs every benchmark of issue 8 and each prints finite, non-negative figures with their references', { timeout: 300_000 }, async () => {
    const { code, output, json } = await runQuickBench();
    expect(json.failures, output).toEqual([]);
    expect(code, output).toBe(0);
    expect(json.quick).toBe(true);
    expect(json.results.map((r) => r.id).sort()).toEqual(['cold-open', 'community-scale', 'connections', 'crypto', 'fanout', 'relay', 'storage']);
    for (const result of json.results) {
      expect(result.rows.length, result.id).toBeGreaterThan(0);
      for (const row of result.rows) {
        // A difference of two measurements (memory growth over a few hundred sockets) may dip below zero by noise.
        const sane = (value: number) => Number.isFinite(value) && (row.delta === true || value >= 0);
        expect(sane(row.value), `${result.id}: ${row.figure} = ${row.value}`).toBe(true);
        if (row.reference) expect(sane(row.reference.value), `${result.id}: ${row.figure} reference`).toBe(true);
      }
    }
    // Sane, not fast: each figure measures something that happened.
    expect(valueOf(json, 'crypto', /^verify node:crypto raw/)).toBeGreaterThan(0);
    expect(valueOf(json, 'relay', /^accepted envelopes\/s/)).toBeGreaterThan(0);
    expect(valueOf(json, 'relay', /^latency p50/)).toBeLessThanOrEqual(valueOf(json, 'relay', /^latency p99/));
    expect(valueOf(json, 'fanout', /p50 send -> last decrypted/)).toBeLessThanOrEqual(valueOf(json, 'fanout', /p99 send -> last decrypted/));
    // Every entry (the snapshot too) keeps its 64-byte signature and 22-character document id in the replay table.
    expect(valueOf(json, 'storage', /^of which entry signatures/)).toBeCloseTo(86, 0);
    // Compaction makes the server forget removed entries: it stores less afterwards.
    expect(valueOf(json, 'storage', /^after compaction, stored bytes/)).toBeLessThan(valueOf(json, 'storage', /^before compaction, stored bytes/));
    expect(valueOf(json, 'connections', /^server RSS with/)).toBeGreaterThan(0);
    expect(valueOf(json, 'cold-open', /newest 50 painted/)).toBeLessThanOrEqual(valueOf(json, 'cold-open', /whole history searchable/));
    // A rotation includes its sealing; the community home paints after its state is read.
    expect(valueOf(json, 'community-scale', /^of which: sealing/)).toBeLessThanOrEqual(valueOf(json, 'community-scale', /^rotate a/));
    expect(valueOf(json, 'community-scale', /state\(\) with every thread/)).toBeLessThanOrEqual(valueOf(json, 'community-scale', /first 50 rows painted/));
  });
});
