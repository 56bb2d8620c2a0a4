// End-to-end fixtures: the REAL sync server (sync-server/main.ts) as a child process on a free port with
// a fresh DATA_DIR, serving the built export from out/. One server per Playwright worker; a test that
// needs its own (for example to change the served files) starts one with startServer().
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type Page } from '@playwright/test';

export { expect };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'out');

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  staticDir: string;
  /** How many log lines the server has printed so far. */
  logMark(): number;
  /** Its log lines since a mark (at most the newest few thousand), for the failure report. */
  logSince(mark: number): string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts sync-server/main.ts and resolves once it logged `listening` and answers /api/health. */
export async function startServer(options: { copyStatic?: boolean } = {}): Promise<RunningServer> {
  if (!existsSync(join(OUT, 'index.html'))) {
    throw new Error('out/ is missing: run `npx tsx scripts/build.ts` (or `npm run build`) before the e2e tests');
  }
  const work = mkdtempSync(join(tmpdir(), 'hasneeds-e2e-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  let staticDir = OUT;
  if (options.copyStatic) {
    staticDir = join(work, 'out');
    cpSync(OUT, staticDir, { recursive: true });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // node --import tsx is `npx tsx` in one process, so SIGTERM reaches the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STATIC_DIR: staticDir,
      PUBLIC_URL: url,
      // Debug adds socket closes (who, which room, code): the failure report below prints them.
      LOG_LEVEL: 'debug',
      // Every test person signs up from 127.0.0.1; the default of 20 an hour is for real addresses.
      SIGNUPS_PER_HOUR: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });

  // Every log line is kept (a bounded tail): a test that fails in CI says what the server saw (logs carry no bodies).
  const logLines: string[] = [];
  let dropped = 0;
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    logLines.push(...lines);
    if (logLines.length > 5000) dropped += logLines.splice(0, logLines.length - 5000).length;
  });

  await waitForHealth(child, url, () => stderr);
  return {
    url,
    port,
    dataDir,
    staticDir,
    logMark: () => dropped + logLines.length,
    logSince: (mark) => logLines.slice(Math.max(0, mark - dropped)),
    async stop() {
      await stopChild(child);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Waits for the server's `listening` log line (an event, so no polling), then checks /api/health once. */
async function waitForHealth(child: ChildProcess, url: string, stderr: () => string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no `listening` line within 30 s')), 30_000);
      let buffered = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (line.includes('"msg":"listening"')) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} during start-up`));
      });
    });
    const response = await fetch(`${url}/api/health`);
    if (!response.ok) throw new Error(`/api/health answered ${response.status}`);
  } catch (error) {
    await stopChild(child);
    throw new Error(`sync server did not start: ${error instanceof Error ? error.message : String(error)}\n${stderr()}`);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * After a failed test: what the server logged meanwhile (other than successful requests and ordinary socket
 * closes), then for each open page its URL, whether a service worker controls it, its console errors and warnings,
 * uncaught errors, requests that failed, and the accessibility tree of its main content. CI keeps only the tail of
 * the printed output, not test-results/, so the report is kept short and the pages come last.
 */
async function reportFailure(browser: Browser, title: string, serverLog: readonly string[]): Promise<void> {
  // A socket URL in a console line carries its single-use ticket: it is not printed.
  const clip = (line: string) => {
    const safe = line.replace(/ticket=[^&\s'"]+/g, 'ticket=…');
    return safe.length > 160 ? `${safe.slice(0, 157)}...` : safe;
  };
  const out: string[] = [`--- failure report: ${title} ---`];
  // Sockets closed by a page leaving or by the client (1000, 1001, 1005) are many and say little; the server's own
  // closes (a refusal, a rate limit) are kept.
  const ordinaryClose = /"msg":"socket closed".*"code":100[015],/;
  const succeeded = /"msg":"(request|upgrade)".*"status":[123]\d\d/;
  const closes = serverLog.filter((line) => ordinaryClose.test(line)).length;
  const said = serverLog.filter((line) => !ordinaryClose.test(line) && !succeeded.test(line));
  out.push(`server log: ${said.length} lines other than successful requests and ${closes} ordinary socket closes; the last ones:`);
  out.push(...said.slice(-15).map(clip));
  for (const [c, context] of browser.contexts().entries()) {
    for (const [p, page] of context.pages().entries()) {
      if (page.isClosed()) continue;
      const worker = await page
        .evaluate(() => navigator.serviceWorker?.controller?.state ?? 'none')
        .catch(() => 'unknown (page busy)');
      out.push(`page ${c}.${p}: ${page.url()} (${page.viewportSize()?.width ?? 0}px wide, service worker: ${worker})`);
      const consoleLines = (await page.consoleMessages().catch(() => []))
        .filter((message) => message.type() === 'error' || message.type() === 'warning')
        .map((message) => clip(`  console ${message.type()}: ${message.text()}`));
      out.push(...consoleLines.slice(-8));
      const errors = (await page.pageErrors().catch(() => [])).map((error) => clip(`  uncaught: ${error.name}: ${error.message}`));
      out.push(...errors.slice(-5));
      const requests: string[] = [];
      for (const request of await page.requests().catch(() => [])) {
        const failure = request.failure();
        if (failure) requests.push(`  request failed: ${request.method()} ${new URL(request.url()).pathname} (${failure.errorText})`);
      }
      out.push(...requests.slice(-8).map(clip));
      const tree = await page
        .locator('main')
        .first()
        .ariaSnapshot({ timeout: 5_000 })
        .catch((error: unknown) => `(no snapshot: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
      const lines = tree.split('\n');
      out.push(...lines.slice(0, 40).map((line) => clip(`  ${line}`)));
      if (lines.length > 40) out.push(`  ... ${lines.length - 40} more lines`);
    }
  }
  console.log(out.join('\n'));
}

export const test = base.extend<{ failureReport: void }, { server: RunningServer }>({
  failureReport: [
    // It takes `context` so that the default page is still open when the report is written after a failure.
    async ({ browser, server, context: _context }, use, testInfo) => {
      const mark = server.logMark();
      await use();
      if (testInfo.status !== testInfo.expectedStatus) await reportFailure(browser, testInfo.title, server.logSince(mark));
    },
    { auto: true },
  ],
  server: [
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

// ---------- builders and steps ----------

export interface TestUser {
  handle: string;
  displayName: string;
  passphrase: string;
}

export function makeUser(overrides: Partial<TestUser> = {}): TestUser {
  const suffix = randomBytes(4).toString('hex');
  return {
    handle: `user_${suffix}`,
    displayName: `Test Person ${suffix.slice(0, 4)}`,
    passphrase: 'lantern gravel oyster pilgrim',
    ...overrides,
  };
}

/** The four sign-up fields. Password inputs have no textbox role, so they are found by their label. */
export async function fillSignUp(page: Page, user: TestUser): Promise<void> {
  await page.getByRole('textbox', { name: 'Handle' }).fill(user.handle);
  await page.getByRole('textbox', { name: 'Display name' }).fill(user.displayName);
  await page.getByLabel('Passphrase', { exact: true }).fill(user.passphrase);
  await page.getByLabel('Confirm passphrase', { exact: true }).fill(user.passphrase);
}

/** Signs up from the welcome screen and returns the recovery key, stopping on the recovery-key screen. */
export async function signUpToRecoveryKey(page: Page, user: TestUser): Promise<string> {
  await page.goto('/signup/');
  await fillSignUp(page, user);
  await page.getByRole('button', { name: 'Create account' }).click();
  const key = page.getByRole('group', { name: 'Recovery key' });
  await expect(key).toBeVisible({ timeout: 30_000 });
  const text = (await key.textContent()) ?? '';
  expect(text).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
  return text;
}

export async function confirmRecoveryKey(page: Page): Promise<void> {
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'I have saved my recovery key' }).click();
  await expect(page).toHaveURL(/\/home\/$/);
}

/** Full sign-up; returns the recovery key. */
export async function signUp(page: Page, user: TestUser): Promise<string> {
  const key = await signUpToRecoveryKey(page, user);
  await confirmRecoveryKey(page);
  return key;
}

export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/signin/');
  await page.getByRole('textbox', { name: 'Handle' }).fill(user.handle);
  await page.getByLabel('Passphrase', { exact: true }).fill(user.passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/home\/$/, { timeout: 30_000 });
}

export async function signInWithRecoveryKey(page: Page, handle: string, recoveryKey: string): Promise<void> {
  await page.goto('/signin/');
  await page.getByRole('button', { name: 'Use recovery key' }).click();
  await page.getByRole('textbox', { name: 'Handle' }).fill(handle);
  await page.getByRole('textbox', { name: 'Recovery key' }).fill(recoveryKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/home\/$/, { timeout: 30_000 });
}

/** Screenshots for people to look at while developing: only when E2E_SHOTS names a directory. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS;
  if (!dir) return;
  const size = page.viewportSize();
  await page.screenshot({ path: join(dir, `${name}-${size?.width ?? 0}x${size?.height ?? 0}.png`), fullPage: true });
}

/** The app's own alert region (Next adds a route announcer that also has role=alert). */
export function appAlert(page: Page) {
  return page.getByRole('alert').and(page.locator(':not(#__next-route-announcer__)'));
}

/** Names of this origin's IndexedDB databases, as the page sees them. */
export async function databaseNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));
}

/** Resolves once a service worker controls the page (clientsClaim makes the first one take over). */
export async function waitForController(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
  });
}

/** An axe scan of what the page shows now: no serious or critical violation. */
export async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  // @axe-core/playwright types its page against its own copy of playwright-core; the object is the same.
  const axePage = page as unknown as ConstructorParameters<typeof AxeBuilder>[0]['page'];
  const results = await new AxeBuilder({ page: axePage }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  if (process.env.AXE_VERBOSE) {
    for (const violation of results.violations) console.log(screen, violation.impact, violation.id, violation.nodes.map((node) => node.target.join(' ')));
  }
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ screen, id: violation.id, impact: violation.impact, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
  expect(serious).toEqual([]);
}

/** Signs up and returns the session token the server granted (to act through the API as that person). */
export async function signUpWithToken(page: Page, user: TestUser): Promise<string> {
  const granted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/accounts' && r.request().method() === 'POST');
  await signUp(page, user);
  return ((await (await granted).json()) as { token: string }).token;
}

/**
 * Accepts a message request through the API, as the recipient would in the app: until then the server caps
 * what the sender may write (read positions count too). Harmless where no request is pending.
 */
export async function acceptRequest(page: Page, token: string, docId: string): Promise<void> {
  const response = await page.request.post(`/api/conversations/${encodeURIComponent(docId)}/accept`, {
    headers: { authorization: `Bearer ${token}` },
    data: {},
  });
  expect([200, 404, 409]).toContain(response.status());
}
