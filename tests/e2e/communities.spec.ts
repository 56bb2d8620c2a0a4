// Communities end to end, three people in browser contexts of their own: create, invite by link, join, a Need
// thread with a reply, resolved by the owner; then the owner removes one member, who reads nothing posted after.
// And a community of 130 threads, listed a hundred at a time.
import type { Page } from '@playwright/test';
import { engineMember } from './engine-member';
import { expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { messages, person, send } from './people';

const threads = (page: Page) => page.getByRole('list', { name: 'Threads' }).getByRole('listitem');
const navCommunities = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' });

test('the owner invites by link, members post and reply in a Need thread, resolve it, and a removed member reads nothing after', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const owner = await person(browser, baseURL, 'Olive Owner');
  const bee = await person(browser, baseURL, 'Bee Member');
  const cee = await person(browser, baseURL, 'Cee Member', { viewport: { width: 360, height: 740 } });

  // The owner founds the community.
  await navCommunities(owner.page).click();
  await expect(owner.page.getByRole('heading', { level: 1, name: 'Communities' })).toBeVisible();
  await owner.page.getByRole('button', { name: 'New community' }).click();
  await owner.page.getByRole('textbox', { name: 'Community name' }).fill('Allotment growers');
  await owner.page.getByRole('textbox', { name: 'Description' }).fill('Tools, seeds and help on the allotments');
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page).toHaveURL(/\/community\/\?id=[A-Za-z0-9_-]{22}$/);
  await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Allotment growers');
  await expect(owner.page.getByText('Tools, seeds and help on the allotments')).toBeVisible();

  await owner.page.getByRole('button', { name: 'Invite' }).click();
  const linkBox = owner.page.getByRole('textbox', { name: 'Invite link' });
  await expect(linkBox).toHaveValue(/\/join#[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  await expect(linkBox).not.toBeEditable();
  const link = await linkBox.inputValue();
  await shot(owner.page, 'community-owner');
  await expectNoSeriousViolations(owner.page, 'community');

  // Someone signed out who opens the link is told to sign in first, and the link stays in the address bar.
  const stranger = await browser.newContext({ baseURL });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(link);
  await expect(strangerPage.getByRole('heading', { level: 1, name: 'Join a community' })).toBeVisible();
  await expect(strangerPage.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(strangerPage.getByRole('button', { name: 'Join community' })).toHaveCount(0);
  expect(strangerPage.url()).toContain('#');
  await stranger.close();

  // B opens the link, joins, and posts a Need.
  await bee.page.goto(link);
  await bee.page.getByRole('button', { name: 'Join community' }).click();
  await expect(bee.page).toHaveURL(/\/community\/\?id=/);
  await expect(bee.page.getByRole('heading', { level: 1 })).toHaveText('Allotment growers', { timeout: 30_000 });
  await expect(bee.page.getByRole('button', { name: 'Invite' })).toHaveCount(0);
  await bee.page.getByRole('button', { name: 'New thread' }).click();
  await bee.page.getByRole('textbox', { name: 'Title' }).fill('Need a ladder');
  const kind = bee.page.getByRole('radiogroup', { name: 'Kind' });
  await kind.getByRole('radio', { name: /^Need/ }).check();
  await bee.page.getByRole('textbox', { name: 'First message' }).fill('Anyone have a ladder for Saturday?');
  await bee.page.getByRole('button', { name: 'Post thread' }).click();
  await expect(bee.page).toHaveURL(/\/thread\/\?id=/);
  await expect(bee.page.getByRole('heading', { level: 1 })).toHaveText('Need a ladder');
  await expect(messages(bee.page)).toHaveCount(1);
  await expect(messages(bee.page).first()).toContainText('Anyone have a ladder for Saturday?');
  await expect(bee.page.getByRole('button', { name: 'Mark resolved' })).toBeVisible();

  // C joins on a phone-sized screen and replies.
  await cee.page.goto(link);
  await cee.page.getByRole('button', { name: 'Join community' }).click();
  await expect(cee.page.getByRole('heading', { level: 1 })).toHaveText('Allotment growers', { timeout: 30_000 });
  const ladder = threads(cee.page).filter({ hasText: 'Need a ladder' });
  await expect(ladder).toContainText('Need');
  await expect(ladder).toContainText('Open');
  await shot(cee.page, 'community-member');
  await expectNoSeriousViolations(cee.page, 'community at 360x740');
  await ladder.getByRole('link').click();
  await expect(messages(cee.page).first()).toContainText('Anyone have a ladder for Saturday?');
  await expect(cee.page.getByRole('button', { name: 'Mark resolved' })).toHaveCount(0);
  await send(cee.page, 'I have one, come by');
  await expect(messages(cee.page)).toHaveCount(2);
  await expect(messages(bee.page)).toHaveCount(2);
  await expect(messages(bee.page).nth(1)).toContainText('Cee Member');
  await expect(messages(bee.page).nth(1)).toContainText('I have one, come by');
  await shot(cee.page, 'thread-member');
  await expectNoSeriousViolations(cee.page, 'thread at 360x740');

  // The owner sees the thread under the Need filter and marks it resolved; B sees it resolved.
  // (The owner's device learns of the thread by a background sync of the community document.)
  await expect(threads(owner.page).filter({ hasText: 'Need a ladder' })).toHaveCount(1, { timeout: 45_000 });
  await owner.page.getByRole('combobox', { name: 'Show kind' }).selectOption('need');
  await owner.page.getByRole('combobox', { name: 'Show status' }).selectOption('open');
  await expect(threads(owner.page)).toHaveCount(1);
  await owner.page.getByRole('combobox', { name: 'Show kind' }).selectOption('offer');
  await expect(threads(owner.page)).toHaveCount(0);
  await owner.page.getByRole('combobox', { name: 'Show kind' }).selectOption('');
  await threads(owner.page).filter({ hasText: 'Need a ladder' }).getByRole('link').click();
  await expect(messages(owner.page)).toHaveCount(2);
  await owner.page.getByRole('button', { name: 'Mark resolved' }).click();
  await expect(owner.page.locator('.chat-header').getByText('Resolved', { exact: true })).toBeVisible();
  await expect(bee.page.locator('.chat-header').getByText('Resolved', { exact: true })).toBeVisible({ timeout: 30_000 });
  await shot(owner.page, 'thread-owner');
  await expectNoSeriousViolations(owner.page, 'thread');

  // The owner removes C; what is posted afterwards never reaches C.
  await owner.page.getByRole('link', { name: 'Back to Allotment growers' }).click();
  const members = owner.page.getByRole('list', { name: 'Members' }).getByRole('listitem');
  await expect(members).toHaveCount(3);
  await owner.page.getByRole('button', { name: 'Remove Cee Member' }).click();
  await expect(members).toHaveCount(2);
  await expect(cee.page.getByText('You are no longer a member of this community')).toBeVisible({ timeout: 30_000 });
  await threads(owner.page).filter({ hasText: 'Need a ladder' }).getByRole('link').click();
  await send(owner.page, 'Posted after Cee was removed');
  await expect(messages(bee.page).filter({ hasText: 'Posted after Cee was removed' })).toHaveCount(1, { timeout: 30_000 });
  await expect(messages(cee.page)).toHaveCount(2);
  await expect(cee.page.getByText('Posted after Cee was removed')).toHaveCount(0);
  await expect(cee.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);

  // The list of communities: the owner's shows it; C's no longer does.
  await navCommunities(owner.page).click();
  await expect(owner.page.getByRole('list', { name: 'Communities' }).getByRole('listitem')).toHaveText([/Allotment growers/]);
  await shot(owner.page, 'communities-list');
  await expectNoSeriousViolations(owner.page, 'communities list');
  await navCommunities(cee.page).click();
  await expect(cee.page.getByRole('list', { name: 'Communities' })).toHaveCount(0);
  await expect(cee.page.getByText('No communities yet')).toBeVisible();

  await Promise.all([owner.context.close(), bee.context.close(), cee.context.close()]);
});

test('a community of 130 threads lists the 100 most recent, and the rest behind Show more threads', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const owner = await person(browser, baseURL, 'Paula Pages');
  await navCommunities(owner.page).click();
  await owner.page.getByRole('button', { name: 'New community' }).click();
  await owner.page.getByRole('textbox', { name: 'Community name' }).fill('Tool library');
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page).toHaveURL(/\/community\/\?id=[A-Za-z0-9_-]{22}$/);
  const communityId = new URL(owner.page.url()).searchParams.get('id') ?? '';
  await owner.page.getByRole('button', { name: 'Invite' }).click();
  const linkBox = owner.page.getByRole('textbox', { name: 'Invite link' });
  await expect(linkBox).toHaveValue(/\/join#/);
  const link = await linkBox.inputValue();

  // A member on an engine of its own (no browser) joins by the link and starts 130 threads, Tool 1 to Tool 130, as
  // the New thread form does (createThread), one after another: a person would take an afternoon.
  const member = await engineMember(baseURL ?? '', 'Tess Threads');
  try {
    expect(await member.engine.communities.joinByLink(link)).toEqual({ ok: true, value: communityId });
    await expect
      .poll(async () => {
        const state = await member.engine.communities.state(communityId);
        return state.ok ? state.value.name : null;
      }, { timeout: 30_000 })
      .toBe('Tool library');
    for (let i = 1; i <= 130; i++) {
      const created = await member.engine.communities.createThread(communityId, { kind: 'offer', title: `Tool ${i}`, body: `Tool ${i} to lend` });
      expect(created.ok, `thread ${i}`).toBe(true);
    }

    // The owner's page shows the hundred most recent, newest first, and says how many more there are.
    const more = owner.page.getByRole('button', { name: /^Show more threads/ });
    await expect(more).toHaveText('Show more threads (30 more)', { timeout: 90_000 });
    await expect(threads(owner.page)).toHaveCount(100);
    await expect(threads(owner.page).first().locator('.thread-title')).toHaveText('Tool 130');
    await expect(threads(owner.page).last().locator('.thread-title')).toHaveText('Tool 31');
    await more.click();
    await expect(threads(owner.page)).toHaveCount(130);
    await expect(threads(owner.page).last().locator('.thread-title')).toHaveText('Tool 1');
    await expect(more).toHaveCount(0);
  } finally {
    await member.stop();
    await owner.context.close();
  }
});
