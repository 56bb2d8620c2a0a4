// Accounts across devices: three browser contexts are three devices of one person.
import { readFileSync } from 'node:fs';
import {
  appAlert,
  confirmRecoveryKey,
  databaseNames,
  expect,
  fillSignUp,
  makeUser,
  shot,
  signIn,
  signInWithRecoveryKey,
  signUp,
  signUpToRecoveryKey,
  test,
} from './fixtures';

test('a person signs up, signs in on two more devices (passphrase, recovery key), and signs out everywhere', async ({
  browser,
  baseURL,
}) => {
  const user = makeUser();
  const first = await browser.newContext({ baseURL, permissions: ['clipboard-read', 'clipboard-write'] });
  const second = await browser.newContext({ baseURL });
  const third = await browser.newContext({ baseURL });
  const a = await first.newPage();
  const b = await second.newPage();
  const c = await third.newPage();

  // Device A: from the welcome screen to the recovery key.
  await a.goto('/');
  await shot(a, 'welcome');
  await a.getByRole('link', { name: 'Create account' }).click();
  await expect(a).toHaveURL(/\/signup\/$/);
  const recoveryKey = await signUpToRecoveryKey(a, user);
  await shot(a, 'recovery-key');
  // Download gives a text file with the key; Copy puts exactly the key on the clipboard.
  const download = a.waitForEvent('download');
  await a.getByRole('button', { name: 'Download' }).click();
  const file = await (await download).path();
  expect(readFileSync(file, 'utf8')).toContain(`Recovery key: ${recoveryKey}`);
  await a.getByRole('button', { name: 'Copy' }).click();
  await expect(a.getByRole('status').filter({ hasText: 'Recovery key copied' })).toBeVisible();
  expect(await a.evaluate(() => navigator.clipboard.readText())).toBe(recoveryKey);
  const saved = a.getByRole('button', { name: 'I have saved my recovery key' });
  await expect(saved).toBeDisabled();
  await confirmRecoveryKey(a);
  await expect(a.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await shot(a, 'home');

  // Device B with the passphrase, device C with the recovery key.
  await signIn(b, user);
  await signInWithRecoveryKey(c, user.handle, recoveryKey.toLowerCase().replaceAll('-', ' '));

  // Settings on A: the own safety number, the same on every device, and three sessions.
  await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const safety = a.getByRole('region', { name: 'Safety number' });
  await expect(safety).toContainText(`@${user.handle}`);
  await expect(safety).toContainText(/\d{5} \d{5} \d{5} \d{5} \d{5} \d{5}/);
  const fingerprint = (await safety.textContent())?.match(/\d{5}( \d{5}){5}/)?.[0];
  const sessions = a.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
  await expect(sessions).toHaveCount(3);
  await expect(sessions.filter({ hasText: 'This device' })).toHaveCount(1);
  await expect(a.getByRole('button', { name: 'Revoke' })).toHaveCount(2);
  await shot(a, 'settings');

  await b.goto('/settings/');
  await expect(b.getByRole('region', { name: 'Safety number' })).toContainText(fingerprint ?? 'missing fingerprint');

  // Sign out everywhere on A: A lands on sign in with its local data gone...
  await a.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(a).toHaveURL(/\/signin\/$/);
  await expect(a.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(await databaseNames(a)).not.toContain('hasneeds-keyring');

  // ...the server closes B's event stream (4401), so B wipes itself and lands on sign in without doing anything...
  await expect(b).toHaveURL(/\/signin\/$/);
  await expect(b.getByText('This device was signed out because its session ended')).toBeVisible();
  const left = await databaseNames(b);
  expect(left).not.toContain('hasneeds-keyring');
  expect(left).not.toContain('hasneeds-engine');

  // ...and so does C. (Reloading first would open an empty keyring database in passing.)
  await expect(c).toHaveURL(/\/signin\/$/);
  await expect(c.getByText('This device was signed out because its session ended')).toBeVisible();
  expect(await databaseNames(c)).not.toContain('hasneeds-keyring');

  // The passphrase still works afterwards: signing out everywhere ends sessions, not the account.
  await signIn(b, user);

  await Promise.all([first.close(), second.close(), third.close()]);
});

test('revoking a session from settings signs that device out', async ({ browser, baseURL }) => {
  const user = makeUser();
  const first = await browser.newContext({ baseURL });
  const second = await browser.newContext({ baseURL });
  const a = await first.newPage();
  const b = await second.newPage();
  await signUpToRecoveryKey(a, user);
  await confirmRecoveryKey(a);
  await signIn(b, user);

  await a.goto('/settings/');
  const sessions = a.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
  await expect(sessions).toHaveCount(2);
  await a.getByRole('button', { name: 'Revoke' }).click();
  await expect(sessions).toHaveCount(1);
  await expect(a.getByRole('status').filter({ hasText: /^Signed out/ })).toBeVisible();

  // B's open sync socket is closed by the server, so B is signed out at once, without a reload.
  await expect(b).toHaveURL(/\/signin\/$/);
  // A is still signed in.
  await a.reload();
  await expect(a.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await Promise.all([first.close(), second.close()]);
});

test('sign out on one device wipes it and leaves the account usable', async ({ page }) => {
  const user = makeUser();
  await signUpToRecoveryKey(page, user);
  await confirmRecoveryKey(page);
  expect(await databaseNames(page)).toContain('hasneeds-keyring');
  await page.goto('/settings/');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/signin\/$/);
  await expect(page.getByText('You signed out.')).toBeVisible();
  expect(await databaseNames(page)).not.toContain('hasneeds-keyring');
  // Opened afresh, the app shell sends this device (which now holds nothing) to the welcome screen.
  await page.goto('/home/');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Create account' })).toBeVisible();
  await signIn(page, user);
});

test('sign-up refuses a weak passphrase and explains why, and refuses a taken handle', async ({ page }) => {
  const user = makeUser({ passphrase: 'Password1234!' });
  await page.goto('/signup/');
  await fillSignUp(page, user);
  await expect(page.getByText('Strength: Very weak')).toBeVisible();
  await expect(page.getByText(/Avoid common passwords/)).toBeVisible();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(appAlert(page)).toContainText('Check the highlighted fields');
  await expect(page.getByText('This passphrase is too weak')).toBeVisible();
  await shot(page, 'signup-weak');
  await expect(page).toHaveURL(/\/signup\/$/);

  // A strong passphrase goes through; the same handle a second time is refused by the server.
  const taken = makeUser();
  await signUpToRecoveryKey(page, taken);
  const other = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin });
  const second = await other.newPage();
  await second.goto('/signup/');
  await fillSignUp(second, { ...taken, displayName: 'Someone Else' });
  await second.getByRole('button', { name: 'Create account' }).click();
  await expect(appAlert(second)).toContainText('That handle is taken', { timeout: 30_000 });
  await other.close();
});

test('sign-in refuses a wrong passphrase and a mistyped recovery key with an alert', async ({ page }) => {
  const user = makeUser();
  await signUpToRecoveryKey(page, user);
  await confirmRecoveryKey(page);
  await page.goto('/settings/');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/signin\/$/);

  await page.getByRole('textbox', { name: 'Handle' }).fill(user.handle);
  await page.getByLabel('Passphrase', { exact: true }).fill('not my passphrase at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(appAlert(page)).toContainText('do not match an account', { timeout: 30_000 });
  await shot(page, 'signin-error');

  await page.getByRole('button', { name: 'Use recovery key' }).click();
  await expect(page.getByRole('textbox', { name: 'Recovery key' })).toBeFocused();
  await page.getByRole('textbox', { name: 'Recovery key' }).fill('ABCD-EFGH');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(appAlert(page)).toContainText('recovery key has a typo');
  await expect(page).toHaveURL(/\/signin\/$/);
});

test('signing in works with the keyboard alone, with a visible focus ring', async ({ page, browser, baseURL }) => {
  const user = makeUser();
  const other = await browser.newContext({ baseURL });
  await signUpToRecoveryKey(await other.newPage(), user);
  await other.close();

  await page.goto('/signin/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.keyboard.press('Tab'); // the Has-Needs home link
  await page.keyboard.press('Tab');
  const handle = page.getByRole('textbox', { name: 'Handle' });
  await expect(handle).toBeFocused();
  expect(await handle.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid');
  await page.keyboard.type(user.handle);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Passphrase', { exact: true })).toBeFocused();
  await page.keyboard.type(user.passphrase);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/home\/$/, { timeout: 30_000 });

  // The main navigation is reachable and usable from the keyboard.
  const settings = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' });
  await settings.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});

test('someone who forgot the passphrase signs in with the recovery key and sets a new passphrase', async ({ browser, baseURL }) => {
  const user = makeUser();
  const first = await browser.newContext({ baseURL });
  const second = await browser.newContext({ baseURL });
  const third = await browser.newContext({ baseURL });
  const a = await first.newPage();
  await a.goto('/signup/');
  const recoveryKey = await signUpToRecoveryKey(a, user);
  await confirmRecoveryKey(a);

  // A new device, and the passphrase is forgotten: the recovery key gets in, then replaces the passphrase.
  const b = await second.newPage();
  await signInWithRecoveryKey(b, user.handle, recoveryKey);
  await b.goto('/settings/');
  await b.getByRole('checkbox', { name: 'I forgot my passphrase: use my recovery key instead' }).check();
  await b.getByRole('textbox', { name: 'Recovery key' }).fill(recoveryKey);
  const next = 'copper lantern whistle meadow';
  await b.getByLabel('New passphrase', { exact: true }).fill(next);
  await b.getByLabel('Confirm new passphrase', { exact: true }).fill(next);
  await shot(b, 'settings-forgot-passphrase');
  await b.getByRole('button', { name: 'Change passphrase' }).click();
  await expect(b.getByText('Passphrase changed.')).toBeVisible({ timeout: 30_000 });

  const c = await third.newPage();
  await signIn(c, { ...user, passphrase: next });
  await expect(c.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await Promise.all([first.close(), second.close(), third.close()]);
});

test('on a phone, Settings keeps Sign out where it first appeared while its sections load', async ({ page }) => {
  // A control that moves while the page loads takes a tap meant for it somewhere else (or a tap meant for
  // something else onto it). Every frame records where Sign out is, from the moment it shows.
  await page.setViewportSize({ width: 360, height: 740 });
  await signUp(page, makeUser());
  await page.addInitScript(() => {
    const places: number[] = [];
    Object.assign(window, { signOutPlaces: places });
    const frame = () => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Sign out');
      const top = button ? Math.round(button.getBoundingClientRect().top + window.scrollY) : null;
      if (top !== null && places.at(-1) !== top) places.push(top);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.goto('/settings/');
  // Loaded: the privacy choices (from the device), the fingerprint, and the session list (from the server).
  await expect(page.getByRole('radiogroup', { name: 'Who can contact me' }).getByRole('radio', { name: /^Everyone/ })).toBeChecked();
  await expect(page.getByRole('definition').filter({ hasText: /^(\d{5} ){5}\d{5}\s*$/ })).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(1);
  const places = await page.evaluate(() => (window as unknown as { signOutPlaces: number[] }).signOutPlaces);
  expect(places.length).toBeGreaterThan(0);
  expect(places, 'Sign out moved while Settings loaded').toHaveLength(1);
});
