// The installable, offline PWA: manifest + service worker, an offline reload, and the update prompt.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { confirmRecoveryKey, expect, makeUser, shot, signUpToRecoveryKey, startServer, test, waitForController } from './fixtures';

test('Chromium finds the app installable: manifest, icons and a service worker', async ({ server }) => {
  const profile = mkdtempSync(join(tmpdir(), 'hasneeds-profile-'));
  // Incognito contexts always report `in-incognito`: installability needs a persistent profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    baseURL: server.url,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
    await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#0f766e');
    await waitForController(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('after one visit the app opens offline, signed in, and says Offline', async ({ page, context }) => {
  const user = makeUser();
  await signUpToRecoveryKey(page, user);
  await confirmRecoveryKey(page);
  await waitForController(page);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Conversations', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await shot(page, 'offline-home');

  // Client-side navigation works from the precache too, and says what needs a connection.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Safety number' })).toContainText(`@${user.handle}`);
  await expect(page.getByText('Your sessions cannot be listed while offline.')).toBeVisible();
  await shot(page, 'offline-settings');

  // Offline, signing out everywhere cannot reach the server: nothing is wiped and the person is told.
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page.getByText('Signing out everywhere needs a connection.')).toBeVisible();

  // The service worker keeps only the app's public files: no API answer (sessions, keys, lists) is in its caches,
  // and offline an API request fails rather than being answered from one.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    return urls;
  });
  expect(cached.length).toBeGreaterThan(20);
  expect(cached.filter((path) => path.startsWith('/api') || path.startsWith('/sync'))).toEqual([]);
  expect(await page.evaluate(() => fetch('/api/sessions').then((r) => `answered ${r.status}`, () => 'failed'))).toBe('failed');

  // Back online the status goes away by itself.
  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0);
});

test('a waiting new version shows a prompt, and Reload switches to it', async ({ browser }) => {
  // Its own server over a copy of out/, so changing sw.js touches no other test.
  const own = await startServer({ copyStatic: true });
  const context = await browser.newContext({ baseURL: own.url });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await waitForController(page);
    await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);

    const swPath = join(own.staticDir, 'sw.js');
    writeFileSync(swPath, `${readFileSync(swPath, 'utf8')}\n// next version\n`);
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });

    const prompt = page.getByRole('region', { name: 'Update available' });
    await expect(prompt).toContainText('A new version is available');
    await shot(page, 'update-prompt');
    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);
    // The new worker is now the active one and controls the page.
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { waiting: registration?.waiting !== null, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(state).toEqual({ waiting: false, controlled: true });
  } finally {
    await context.close();
    await own.stop();
  }
});
