// An axe scan of every screen, at desktop and phone size: no serious or critical violation.
import { expect, expectNoSeriousViolations, fillSignUp, makeUser, shot, signIn, signUpToRecoveryKey, test } from './fixtures';

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 360, height: 740 },
]) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('every screen passes axe with no serious or critical violation', async ({ page, browser, baseURL }) => {
      const user = makeUser();

      await page.goto('/');
      await expect(page.getByRole('link', { name: 'Create account' })).toBeVisible();
      await expectNoSeriousViolations(page, 'welcome');
      await shot(page, 'welcome');

      await page.goto('/signup/');
      await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
      await expectNoSeriousViolations(page, 'signup');
      await shot(page, 'signup');

      // The form with a weak passphrase, its advice and the field errors showing.
      await fillSignUp(page, { ...user, passphrase: 'monkey12345' });
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect(page.getByText('This passphrase is too weak')).toBeVisible();
      await expectNoSeriousViolations(page, 'signup with errors');
      await shot(page, 'signup-errors');

      const recoveryKey = await signUpToRecoveryKey(page, user);
      expect(recoveryKey).not.toBe('');
      await expectNoSeriousViolations(page, 'recovery key');
      await shot(page, 'recovery-key');
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: 'I have saved my recovery key' }).click();

      for (const [link, heading] of [
        ['Conversations', 'Conversations'],
        ['Communities', 'Communities'],
        ['Notifications', 'Notifications'],
        ['Settings', 'Settings'],
      ] as const) {
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
        await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
        if (link === 'Settings') await expect(page.getByRole('list', { name: 'Sessions' })).toBeVisible();
        await expectNoSeriousViolations(page, link);
        await shot(page, link.toLowerCase());
      }

      // Settings with the delete-account dialog open (cancelled: the account stays for the sign-in below).
      await page.getByRole('button', { name: 'Delete account' }).click();
      await expect(page.getByRole('dialog', { name: 'Delete your account?' })).toBeVisible();
      await expectNoSeriousViolations(page, 'delete account dialog');
      await shot(page, 'settings-delete-dialog');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await expect(page.getByRole('dialog')).toBeHidden();

      // Sign-in screens, in a second context (a device that is signed out), in both modes.
      const other = await browser.newContext({ baseURL, viewport });
      const signInPage = await other.newPage();
      await signInPage.goto('/signin/');
      await expect(signInPage.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await expectNoSeriousViolations(signInPage, 'sign in');
      await shot(signInPage, 'signin');
      await signInPage.getByRole('button', { name: 'Use recovery key' }).click();
      await expect(signInPage.getByRole('textbox', { name: 'Recovery key' })).toBeVisible();
      await expectNoSeriousViolations(signInPage, 'sign in with recovery key');
      await shot(signInPage, 'signin-recovery');
      await signInPage.getByRole('button', { name: 'Use passphrase' }).click();
      await signIn(signInPage, user);
      await other.close();
    });
  });
}
