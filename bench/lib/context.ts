// What every benchmark gets: the mode, where to write profiles, a shared headless Chromium, and a log line helper.
import type { Browser } from 'playwright-core';

export interface BenchContext {
  quick: boolean;
  /** When set, server processes write V8 CPU profiles here. */
  profileDir?: string;
  browser(): Promise<Browser>;
  log(message: string): void;
  /** Figures other benchmarks reuse (e.g. the verification limit, reference a). */
  shared: Map<string, number>;
}

/** Pick the quick or the full value. */
export const pick = <T>(ctx: Pick<BenchContext, 'quick'>, quick: T, full: T): T => (ctx.quick ? quick : full);
