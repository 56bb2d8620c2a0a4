// Issue 7, the person's own data: "Export my data" downloads one JSON file with the decrypted conversation,
// and "Delete account" (with the passphrase) ends the account for good while the other person keeps the history,
// now by "Deleted account".
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { acceptRequest, appAlert, expect, makeUser, shot, signUpWithToken, test, type TestUser } from './fixtures';

interface Person {
  user: TestUser;
  context: BrowserContext;
  page: Page;
  token: string;
}

async function person(browser: Browser, baseURL: string | undefined, name: string, viewport = { width: 1280, height: 800 }): Promise<Person> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  const user = makeUser({ displayName: name });
  const token = await signUpWithToken(page, user);
  return { user, context, page, token };
}

const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

test('a person exports their data as one JSON file, then deletes the account; the other keeps the history from "Deleted account"', async ({
  browser,
  baseURL,
}) => {
  // Alice on a phone-sized screen, Bob on a desktop.
  const alice = await person(browser, baseURL, 'Alice Exporter', { width: 360, height: 740 });
  const bob = await person(browser, baseURL, 'Bob Keeper');

  // They talk: Alice starts, Bob accepts her request and answers.
  await alice.page.getByRole('button', { name: 'New conversation' }).click();
  await alice.page.getByRole('textbox', { name: 'Handle' }).fill(bob.user.handle);
  await alice.page.getByRole('button', { name: 'Start conversation' }).click();
  await expect(alice.page).toHaveURL(/\/c\/\?id=[A-Za-z0-9_-]{22}$/);
  const docId = new URL(alice.page.url()).searchParams.get('id') ?? '';
  await acceptRequest(bob.page, bob.token, docId);
  await send(alice.page, 'Alice here: the bike trailer is yours if you want it');
  const fromList = bob.page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: 'Alice Exporter' });
  await fromList.getByRole('link').click();
  await expect(messages(bob.page)).toHaveCount(1);
  await send(bob.page, 'Bob here: yes please, I can fetch it on Sunday');
  await expect(messages(alice.page)).toHaveCount(2);
  await expect(messages(alice.page).nth(1)).toContainText('Bob here: yes please');

  // Export: progress, a status when done, and one JSON file with both people's words decrypted.
  await alice.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const exportButton = alice.page.getByRole('button', { name: 'Export my data' });
  await expect(exportButton).toBeVisible();
  const downloading = alice.page.waitForEvent('download');
  await exportButton.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^has-needs-export-${alice.user.handle}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
  const progress = alice.page.getByRole('progressbar', { name: 'Export finished' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuetext', '1 of 1 conversation');
  await expect(alice.page.getByRole('status').filter({ hasText: 'Export ready: 1 conversation and 2 messages' })).toBeVisible();
  await shot(alice.page, 'settings-export-done');

  const file = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
    format: string;
    version: number;
    profile: { id: string; handle: string; displayName: string };
    settings: { privacy: { contact: string } };
    conversations: Array<{
      id: string;
      members: Array<{ accountId: string; handle: string | null; displayName: string | null }>;
      messages: Array<{ author: { accountId: string | null; name: string }; body: string | null }>;
    }>;
    communities: unknown[];
    communityInvitations: unknown[];
    server: { account: { handle: string }; sessions: unknown[]; memberships: Array<{ docId: string; status: string }> };
  };
  expect(file.format).toBe('hasneeds-data-export');
  expect(file.version).toBe(2);
  // Alice belongs to no community: the section is there, empty (its content is covered by tests/integration/data-export).
  expect(file.communities).toEqual([]);
  expect(file.communityInvitations).toEqual([]);
  expect(file.profile).toMatchObject({ handle: alice.user.handle, displayName: 'Alice Exporter' });
  expect(file.settings.privacy.contact).toBe('everyone');
  expect(file.server.account.handle).toBe(alice.user.handle);
  expect(file.server.sessions.length).toBe(1);
  expect(file.server.memberships).toEqual([expect.objectContaining({ docId, status: 'accepted' })]);
  const [conversation] = file.conversations;
  expect(conversation?.id).toBe(docId);
  expect(conversation?.members.map((m) => m.displayName).sort()).toEqual(['Alice Exporter', 'Bob Keeper']);
  expect(conversation?.members.map((m) => m.handle).sort()).toEqual([alice.user.handle, bob.user.handle].sort());
  expect(conversation?.messages.map((m) => [m.author.name, m.body])).toEqual([
    ['Alice Exporter', 'Alice here: the bike trailer is yours if you want it'],
    ['Bob Keeper', 'Bob here: yes please, I can fetch it on Sunday'],
  ]);
  expect(conversation?.messages[0]?.author.accountId).toBe(file.profile.id);

  // Deletion asks first and says what happens; a wrong passphrase changes nothing.
  await alice.page.getByRole('button', { name: 'Delete account' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Delete your account?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Deleted account');
  await expect(dialog).toContainText('30 days');
  await expect(dialog).toContainText(`@${alice.user.handle}`);
  await shot(alice.page, 'settings-delete-dialog');
  await dialog.getByLabel('Passphrase', { exact: true }).fill('not my passphrase at all');
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('That passphrase is not right. Nothing was deleted.');
  await shot(alice.page, 'settings-delete-wrong-passphrase');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await alice.page.reload();
  await expect(alice.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(alice.page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();

  // The right passphrase: signed out to the welcome screen, the device wiped.
  await alice.page.getByRole('button', { name: 'Delete account' }).click();
  await dialog.getByLabel('Passphrase', { exact: true }).fill(alice.user.passphrase);
  await dialog.getByRole('button', { name: 'Delete my account' }).click();
  await expect(alice.page).toHaveURL(/\/$/, { timeout: 30_000 });
  await expect(alice.page.getByRole('status').filter({ hasText: 'Your account was deleted' })).toBeVisible();
  await expect(alice.page.getByRole('link', { name: 'Create account' })).toBeVisible();
  await shot(alice.page, 'welcome-after-deletion');

  // Bob, still in the conversation, sees the history kept and its author now "Deleted account".
  await expect(messages(bob.page).first()).toContainText('Deleted account');
  await expect(messages(bob.page).first()).toContainText('Alice here: the bike trailer is yours if you want it');
  await expect(messages(bob.page).first()).not.toContainText('Alice Exporter');
  await expect(bob.page.getByRole('heading', { level: 1 })).toHaveText('Deleted account');
  await shot(bob.page, 'conversation-with-deleted-account');

  // The account cannot sign in again.
  await alice.page.goto('/signin/');
  await alice.page.getByRole('textbox', { name: 'Handle' }).fill(alice.user.handle);
  await alice.page.getByLabel('Passphrase', { exact: true }).fill(alice.user.passphrase);
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(appAlert(alice.page).filter({ hasText: /./ })).toBeVisible({ timeout: 30_000 });
  await expect(alice.page).toHaveURL(/\/signin\/$/);

  await Promise.all([alice.context.close(), bob.context.close()]);
});
