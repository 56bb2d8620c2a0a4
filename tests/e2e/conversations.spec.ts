// Conversations end to end: each person is a browser context of their own against the real server.
import { acceptRequest, appAlert, expect, expectNoSeriousViolations, shot, test, waitForController } from './fixtures';
import { conversations, messages, openFromList, person, requests, send, startConversation } from './people';

test('two people start a conversation and exchange messages live', async ({ browser, baseURL }) => {
  const alice = await person(browser, baseURL, 'Alice Example');
  const bob = await person(browser, baseURL, 'Bob Example');

  // A handle that does not exist is named in the error.
  await alice.page.getByRole('button', { name: 'New conversation' }).click();
  await alice.page.getByRole('textbox', { name: 'Handle' }).fill('nobody_here_42');
  await alice.page.getByRole('button', { name: 'Start conversation' }).click();
  await expect(appAlert(alice.page)).toContainText('No account with handle nobody_here_42');
  await shot(alice.page, 'new-conversation-error');

  await startConversation(alice.page, `@${bob.user.handle}`);
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText('Bob Example');
  await send(alice.page, 'Hello Bob, do you still have the ladder?');
  await expect(messages(alice.page)).toHaveCount(1);
  await expect(messages(alice.page).first()).toContainText('You');
  await expect(messages(alice.page).first().getByText('Pending')).toHaveCount(0);

  // Alice is new to Bob: the conversation waits under Message requests, its preview decrypted on Bob's device.
  await bob.page.getByRole('link', { name: /Message requests/ }).click();
  const item = bob.page.getByRole('list', { name: 'Message requests' }).getByRole('listitem').filter({ hasText: 'Alice Example' });
  await expect(item).toContainText('Hello Bob, do you still have the ladder?');
  await shot(bob.page, 'message-requests');
  await item.getByRole('link').click();
  await expect(messages(bob.page)).toHaveCount(1);
  await expect(messages(bob.page).first()).toContainText('Alice Example');
  await expect(messages(bob.page).first()).toContainText('Hello Bob, do you still have the ladder?');
  // No reply before accepting; accepting moves it to the conversations.
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'Accept' }).click();
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).toBeEditable();
  await expect(alice.page.getByText(/Waiting for Bob Example to accept/)).toHaveCount(0);

  // Bob answers with the Send button and a second line (Shift+Enter); Alice sees it without reloading.
  const box = bob.page.getByRole('textbox', { name: 'Message' });
  await box.fill('Yes!');
  await box.press('Shift+Enter');
  await box.pressSequentially('Come by on Saturday.');
  await bob.page.getByRole('button', { name: 'Send' }).click();
  await expect(messages(alice.page)).toHaveCount(2);
  await expect(messages(alice.page).nth(1)).toContainText('Bob Example');
  const body = messages(alice.page).nth(1).locator('.message-body');
  await expect(body).toContainText('Come by on Saturday.');
  expect(await body.evaluate((element) => element.textContent)).toBe('Yes!\nCome by on Saturday.');

  await send(alice.page, 'Great, see you then');
  await expect(messages(bob.page)).toHaveCount(3);
  await expect(messages(bob.page).nth(2)).toContainText('Great, see you then');
  await expect(alice.page.getByText('Pending')).toHaveCount(0);
  await shot(bob.page, 'conversation-view');

  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('offline, history stays readable and writes wait as Pending until the network returns', async ({ browser, baseURL }) => {
  const alice = await person(browser, baseURL, 'Alice Offline');
  const bob = await person(browser, baseURL, 'Bob Online');
  await waitForController(alice.page);
  const docId = await startConversation(alice.page, bob.user.handle);
  // Bob accepts Alice's request: until then the server caps what she may write (her read markers count too).
  await acceptRequest(bob.page, bob.token, docId);
  await send(alice.page, 'Written while online');
  await openFromList(bob.page, 'Alice Offline');
  await expect(messages(bob.page)).toHaveCount(1);
  await send(bob.page, 'Reply from Bob');
  await expect(messages(alice.page)).toHaveCount(2);

  // Offline: the reload comes from the service worker and the history from this device.
  await alice.context.setOffline(true);
  await alice.page.reload();
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await expect(messages(alice.page)).toHaveCount(2);
  await expect(messages(alice.page).nth(1)).toContainText('Reply from Bob');

  for (const text of ['Offline one', 'Offline two', 'Offline three']) await send(alice.page, text);
  await expect(messages(alice.page)).toHaveCount(5);

  // Still there after another offline reload, each marked Pending.
  await alice.page.reload();
  await expect(messages(alice.page)).toHaveCount(5);
  const offline = messages(alice.page).filter({ hasText: /Offline (one|two|three)/ });
  await expect(offline).toHaveCount(3);
  await expect(offline.filter({ hasText: 'Pending' })).toHaveCount(3);
  await expect(messages(alice.page).filter({ hasText: 'Pending' })).toHaveCount(3);
  await shot(alice.page, 'conversation-offline-pending');
  await alice.page.setViewportSize({ width: 360, height: 740 });
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeInViewport();
  await shot(alice.page, 'conversation-offline-pending');
  await expect(messages(bob.page)).toHaveCount(2);

  // Back online: Bob receives all three in order and Alice's Pending marks go away.
  await alice.context.setOffline(false);
  await expect(messages(bob.page)).toHaveCount(5);
  await expect(messages(bob.page).locator('.message-body')).toHaveText([
    'Written while online',
    'Reply from Bob',
    'Offline one',
    'Offline two',
    'Offline three',
  ]);
  await expect(alice.page.getByText('Pending')).toHaveCount(0);
  await expect(alice.page.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0);

  await Promise.all([alice.context.close(), bob.context.close()]);
});

test('a member removed from a group sees nothing written afterwards, leaving takes it out of the list, and adding brings it back', async ({
  browser,
  baseURL,
}) => {
  const [alice, bob, carol] = await Promise.all([
    person(browser, baseURL, 'Alice Group'),
    person(browser, baseURL, 'Bob Group'),
    person(browser, baseURL, 'Carol Group'),
  ]);
  await startConversation(alice.page, `${bob.user.handle}, ${carol.user.handle}`, 'Tool library');
  await expect(alice.page.getByRole('heading', { level: 1 })).toHaveText('Tool library');
  await send(alice.page, 'Welcome to the tool library');
  for (const member of [bob, carol]) {
    await openFromList(member.page, 'Tool library', { request: true });
    await expect(messages(member.page)).toHaveCount(1);
  }

  // Alice removes Carol.
  await alice.page.getByRole('button', { name: 'Members' }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Members' });
  const members = dialog.getByRole('list', { name: 'Members' }).getByRole('listitem');
  await expect(members).toHaveCount(3);
  await shot(alice.page, 'members');
  await members.filter({ hasText: 'Carol Group' }).getByRole('button', { name: 'Remove' }).click();
  await expect(members).toHaveCount(2);
  await expect(dialog.getByRole('status')).toContainText('Removed Carol Group');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Carol is told, and her composer is gone.
  await expect(carol.page.getByText('You are no longer a member of this conversation')).toBeVisible();
  await expect(carol.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  await send(alice.page, 'Secret after Carol left: the key is under the mat');
  await expect(messages(bob.page)).toHaveCount(2);
  await send(bob.page, 'Bob also writes after the removal');
  await expect(messages(alice.page)).toHaveCount(3);
  await expect(messages(alice.page).nth(2)).toContainText('Bob also writes after the removal');

  // Everything above reached the others; Carol's screen still has only what came before.
  await expect(messages(carol.page)).toHaveCount(1);
  await expect(carol.page.getByText('key is under the mat')).toHaveCount(0);
  await expect(carol.page.getByText('Bob also writes')).toHaveCount(0);
  await shot(carol.page, 'removed-member');
  await carol.page.setViewportSize({ width: 360, height: 740 });
  await shot(carol.page, 'removed-member');
  await carol.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
  await expect(carol.page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
  await expect(conversations(carol.page)).toHaveCount(0);

  // Bob leaves: it leaves his list, and Alice's member list shrinks to herself.
  await bob.page.getByRole('button', { name: 'Members' }).click();
  await bob.page.getByRole('button', { name: 'Leave conversation' }).click();
  await bob.page.getByRole('button', { name: 'Yes, leave' }).click();
  await expect(bob.page).toHaveURL(/\/home\/$/);
  await expect(conversations(bob.page)).toHaveCount(0);
  await alice.page.getByRole('button', { name: 'Members' }).click();
  await expect(members).toHaveCount(1);

  // Alice adds Carol back: the conversation returns to Carol, as a request to accept again.
  await dialog.getByRole('textbox', { name: 'Handle' }).fill(carol.user.handle);
  await dialog.getByRole('button', { name: 'Add member' }).click();
  await expect(members).toHaveCount(2);
  await carol.page.getByRole('link', { name: /Message requests/ }).click();
  await expect(requests(carol.page).filter({ hasText: 'Tool library' })).toHaveCount(1);

  await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
});

test('the conversation screens pass axe at desktop and phone size', async ({ browser, baseURL }) => {
  const alice = await person(browser, baseURL, 'Alice Axe');
  const bob = await person(browser, baseURL, 'Bob Axe');
  const carol = await person(browser, baseURL, 'Carol Axe');
  await startConversation(alice.page, bob.user.handle);
  await send(alice.page, 'A message with a link that is never fetched: https://example.org/x');
  await startConversation(alice.page, `${bob.user.handle},${carol.user.handle}`);
  await send(alice.page, 'Hello both of you');
  // Bob's requests screen, with two waiting, passes axe too.
  await bob.page.getByRole('link', { name: /Message requests/ }).click();
  await expect(requests(bob.page)).toHaveCount(2);
  await expectNoSeriousViolations(bob.page, 'message requests');
  await openFromList(bob.page, 'Alice Axe', { request: true });
  await send(bob.page, 'Hi Alice');
  await expect(messages(alice.page)).toHaveCount(1);

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 360, height: 740 },
  ]) {
    const { page } = alice;
    await page.setViewportSize(viewport);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
    await expect(conversations(page)).toHaveCount(2);
    await expectNoSeriousViolations(page, 'conversation list');
    await shot(page, 'conversations');

    await page.getByRole('button', { name: 'New conversation' }).click();
    await expect(page.getByRole('button', { name: 'Start conversation' })).toBeVisible();
    await expectNoSeriousViolations(page, 'new conversation form');
    await shot(page, 'new-conversation');

    // A group without a name is titled by its other members, in the server's order.
    await openFromList(page, /^(Bob Axe, Carol Axe|Carol Axe, Bob Axe)$/);
    await expect(messages(page)).toHaveCount(1);
    await expectNoSeriousViolations(page, 'group conversation');
    await shot(page, 'group-conversation');
    await page.getByRole('button', { name: 'Members' }).click();
    await expect(page.getByRole('dialog', { name: 'Members' })).toBeVisible();
    await expectNoSeriousViolations(page, 'members');
    await shot(page, 'members-dialog');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Members' })).toHaveCount(0);

    await openFromList(page, 'Bob Axe');
    await expect(messages(page)).toHaveCount(2);
    await expectNoSeriousViolations(page, 'direct conversation');
    await shot(page, 'direct-conversation');
  }
  // The link stayed text: nothing on the page points to it.
  await expect(alice.page.locator('a[href^="https://example.org"]')).toHaveCount(0);

  await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
});
