// Privacy and consent end to end (issue 7): who can contact me, message requests accepted, declined and
// blocked, and read receipts switched off — each person a browser context of their own against the real server.
import type { Page } from '@playwright/test';
import { appAlert, expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { messages, navConversations, navSettings, person, requests, send, startConversation, submitNewConversation } from './people';

async function setContact(page: Page, label: 'Everyone' | 'People in my communities' | 'Nobody new'): Promise<void> {
  await navSettings(page).click();
  const group = page.getByRole('radiogroup', { name: 'Who can contact me' });
  await group.getByRole('radio', { name: label }).check();
  await expect(page.getByRole('status').filter({ hasText: `Who can contact you: ${label}.` })).toBeVisible();
}

test('Nobody new keeps a stranger out; with Everyone the message arrives as a request, is accepted and answered', async ({ browser, baseURL }) => {
  const alice = await person(browser, baseURL, 'Alice Consent');
  const bob = await person(browser, baseURL, 'Bob Consent');

  await setContact(bob.page, 'Nobody new');
  for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
    await bob.page.setViewportSize(size);
    await expectNoSeriousViolations(bob.page, 'privacy settings');
    await shot(bob.page, 'privacy-settings');
  }

  // Alice is told only that she cannot start a conversation.
  await submitNewConversation(alice.page, bob.user.handle);
  await expect(appAlert(alice.page)).toContainText('cannot start a conversation');
  await expect(alice.page).toHaveURL(/\/home\/$/);

  await setContact(bob.page, 'Everyone');
  await startConversation(alice.page, bob.user.handle);
  await send(alice.page, 'Hi Bob, I have a spare bike pump');
  await expect(alice.page.getByText(/Waiting for Bob Consent to accept/)).toBeVisible();
  await alice.page.getByRole('button', { name: 'Options' }).click();
  await expect(alice.page.getByRole('button', { name: 'Mute' })).toBeVisible();
  await expectNoSeriousViolations(alice.page, 'conversation options');
  await shot(alice.page, 'awaiting-with-options');

  // Bob's Notifications list the request with its decrypted preview; the Message requests link has a count.
  await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  const notified = bob.page.getByRole('list', { name: 'Message requests' }).getByRole('listitem');
  await expect(notified.filter({ hasText: 'Alice Consent' })).toContainText('I have a spare bike pump');
  await expectNoSeriousViolations(bob.page, 'notifications');
  await shot(bob.page, 'notifications-request');
  await navConversations(bob.page).click();
  const link = bob.page.getByRole('link', { name: /Message requests/ });
  await expect(link).toContainText('1');
  await link.click();
  const request = requests(bob.page).filter({ hasText: 'Alice Consent' });
  // Opened, it shows what Alice wrote and the choice, without a composer.
  await request.getByRole('link').click();
  await expect(messages(bob.page)).toHaveCount(1);
  await expect(bob.page.getByRole('region', { name: 'Message request' })).toBeVisible();
  await shot(bob.page, 'request-open');
  await bob.page.goBack();
  await expect(request).toContainText('I have a spare bike pump');
  for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
    await bob.page.setViewportSize(size);
    await expectNoSeriousViolations(bob.page, 'message requests');
    await shot(bob.page, 'message-requests');
  }

  await request.getByRole('button', { name: 'Accept' }).click();
  await expect(bob.page.getByRole('status').filter({ hasText: 'Accepted' })).toBeVisible();
  await navConversations(bob.page).click();
  const fromAlice = bob.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Alice Consent/ });
  await expect(fromAlice).toBeVisible();
  await expect(bob.page.getByRole('link', { name: /Message requests/ })).toHaveCount(0);
  await fromAlice.click();
  await send(bob.page, 'Yes please, thank you!');
  await expect(messages(alice.page).filter({ hasText: 'Yes please, thank you!' })).toHaveCount(1);
  await expect(alice.page.getByText(/Waiting for Bob Consent to accept/)).toHaveCount(0);

  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a blocked request cannot send again, and unblocking works from Settings', async ({ browser, baseURL }) => {
  const bob = await person(browser, baseURL, 'Bob Blocker');
  const carol = await person(browser, baseURL, 'Carol Spammer');

  await startConversation(carol.page, bob.user.handle);
  await send(carol.page, 'Buy my followers');
  await navConversations(bob.page).click();
  await bob.page.getByRole('link', { name: /Message requests/ }).click();
  const request = requests(bob.page).filter({ hasText: 'Carol Spammer' });
  await expect(request).toContainText('Buy my followers');
  await request.getByRole('button', { name: 'Block' }).click();
  await expect(bob.page.getByRole('status').filter({ hasText: 'Blocked Carol Spammer' })).toBeVisible();
  await expect(requests(bob.page)).toHaveCount(0);

  // Carol writes again: the server refuses it, and she is told she cannot send here.
  await send(carol.page, 'Hello??');
  await expect(carol.page.getByText('You cannot send messages in this conversation.')).toBeVisible();
  await shot(carol.page, 'blocked-sender');
  await expect(messages(carol.page).filter({ hasText: 'Hello??' }).getByText('Pending')).toBeVisible();

  // Bob's block list names Carol; Unblock empties it.
  await navSettings(bob.page).click();
  const blocked = bob.page.getByRole('list', { name: 'Blocked people' });
  await expect(blocked.getByRole('listitem')).toContainText('Carol Spammer');
  await blocked.getByRole('button', { name: 'Unblock Carol Spammer' }).click();
  await expect(bob.page.getByText('You have not blocked anyone.')).toBeVisible();

  await Promise.all([bob.context.close(), carol.context.close()]);
});

test('with read receipts off, the reader sends no receipt and sees none', async ({ browser, baseURL }) => {
  const alice = await person(browser, baseURL, 'Alice Quiet');
  const bob = await person(browser, baseURL, 'Bob Reader');
  await startConversation(bob.page, alice.user.handle);
  await send(bob.page, 'First question');
  await navConversations(alice.page).click();
  await alice.page.getByRole('link', { name: /Message requests/ }).click();
  await requests(alice.page).filter({ hasText: 'Bob Reader' }).getByRole('button', { name: 'Accept' }).click();
  await navConversations(alice.page).click();
  await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Bob Reader/ }).click();
  await expect(messages(alice.page)).toHaveCount(1);
  // Receipts on (the default): Bob sees Alice read it.
  await expect(messages(bob.page).first().getByText('Seen', { exact: true })).toBeVisible();

  await navSettings(alice.page).click();
  const receipts = alice.page.getByRole('switch', { name: 'Send read receipts' });
  await expect(receipts).toBeChecked();
  await receipts.uncheck();
  await expect(alice.page.getByRole('status').filter({ hasText: 'Read receipts are off.' })).toBeVisible();
  await shot(alice.page, 'receipts-off');

  await send(bob.page, 'Second question');
  await navConversations(alice.page).click();
  await alice.page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Bob Reader/ }).click();
  await expect(messages(alice.page)).toHaveCount(2);
  // Alice answers, so Bob's device has synced past the moment she read it: still no receipt on the second.
  await send(alice.page, 'One answer');
  await expect(messages(bob.page)).toHaveCount(3);
  await expect(messages(bob.page).nth(1).getByText('Seen', { exact: true })).toHaveCount(0);
  // Reciprocal: Bob reads Alice's answer, and Alice, with receipts off, sees no tick either.
  await expect(messages(alice.page).nth(2).getByText('Seen', { exact: true })).toHaveCount(0);
  await expect(alice.page.getByRole('navigation', { name: 'Main' }).getByText('unread')).toHaveCount(0);

  await Promise.all([alice.context.close(), bob.context.close()]);
});
