// Small numeric helpers for the benchmarks: percentiles, rates, and loops bounded in count and time.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
    mean,
  };
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * Runs `op` repeatedly until `maxMs` has passed or `maxCount` calls were made (whichever first) and returns
 * operations per second. Checks the clock every `batch` calls so the clock read does not dominate tiny ops.
 */
export function opsPerSecond(op: () => void, limits: { maxMs: number; maxCount: number; batch?: number }): { perSecond: number; count: number; ms: number } {
  const batch = limits.batch ?? 16;
  // Untimed warm-up (a quarter of the budget) so lazy initialisation and JIT tiers are not billed to the loop.
  const warm = performance.now();
  let warmed = 0;
  do {
    op();
    warmed++;
  } while (performance.now() - warm < limits.maxMs / 4 && warmed < limits.maxCount / 4);
  const started = performance.now();
  let count = 0;
  while (count < limits.maxCount) {
    for (let i = 0; i < batch; i++) op();
    count += batch;
    if (performance.now() - started >= limits.maxMs) break;
  }
  const ms = performance.now() - started;
  return { perSecond: (count * 1000) / ms, count, ms };
}

/** Same for an async operation, keeping `concurrency` calls in flight (WebCrypto queues work off the main thread). */
export async function asyncOpsPerSecond(
  op: () => Promise<unknown>,
  limits: { maxMs: number; maxCount: number; concurrency?: number },
): Promise<{ perSecond: number; count: number; ms: number }> {
  const concurrency = limits.concurrency ?? 1;
  const warm = performance.now();
  let warmed = 0;
  do {
    await op();
    warmed++;
  } while (performance.now() - warm < limits.maxMs / 4 && warmed < limits.maxCount / 4);
  const started = performance.now();
  let count = 0;
  while (count < limits.maxCount) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < concurrency; i++) batch.push(op());
    await Promise.all(batch);
    count += concurrency;
    if (performance.now() - started >= limits.maxMs) break;
  }
  const ms = performance.now() - started;
  return { perSecond: (count * 1000) / ms, count, ms };
}

/** Resolves when `check` holds, or rejects after `timeoutMs` (for states with no event of their own). */
export async function until(check: () => boolean, what: string, timeoutMs: number, stepMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(stepMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
