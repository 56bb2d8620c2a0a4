// One whole flow at phone size (360x740): nothing overflows sideways and everything is reachable.
import type { Page } from '@playwright/test';
import { confirmRecoveryKey, expect, makeUser, shot, signUpToRecoveryKey, test } from './fixtures';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

test('on a phone a person signs up, renames themselves in settings and signs out', async ({ page }) => {
  const user = makeUser();
  await page.goto('/');
  await expectNoSidewaysScroll(page);
  await page.getByRole('link', { name: 'Create account' }).tap();

  await signUpToRecoveryKey(page, user);
  await expectNoSidewaysScroll(page);
  await confirmRecoveryKey(page);
  await expectNoSidewaysScroll(page);

  // The main navigation is a bar at the bottom of the screen, always in view.
  const nav = page.getByRole('navigation', { name: 'Main' });
  const box = await nav.boundingBox();
  expect(box).not.toBeNull();
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(740);
  await nav.getByRole('link', { name: 'Settings' }).tap();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);
  await expectNoSidewaysScroll(page);

  const displayName = page.getByRole('textbox', { name: 'Display name' });
  await displayName.fill('Phone Person');
  await page.getByRole('button', { name: 'Save', exact: true }).tap();
  await expect(page.getByRole('status').filter({ hasText: 'Display name saved.' })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText('Phone Person');
  await shot(page, 'phone-settings');

  // The new name survives a reload (stored in the keyring, refreshed from the server).
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Display name' })).toHaveValue('Phone Person');

  await page.getByRole('button', { name: 'Sign out', exact: true }).tap();
  await expect(page).toHaveURL(/\/signin\/$/);
  await expectNoSidewaysScroll(page);
});
