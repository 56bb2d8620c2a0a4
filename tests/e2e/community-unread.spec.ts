// Unread posts in community threads (issue 6): a member replies in the owner's thread; the owner sees
// "1 unread" on the thread row, its channel, the community in the list and the main navigation, opens the
// thread, and every badge goes.
import type { Page } from '@playwright/test';
import { expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { messages, person, send } from './people';

const threads = (page: Page) => page.getByRole('list', { name: 'Threads' }).getByRole('listitem');
const channel = (page: Page, name: string) => page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: new RegExp(`^${name}`) });
const navCommunities = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Communities/ });
const communityItems = (page: Page) => page.getByRole('list', { name: 'Communities' }).getByRole('listitem');

test('a reply by a member shows as unread on the owner’s thread row, channel, community and navigation until the thread is opened', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const owner = await person(browser, baseURL, 'Olive Owner');
  const bee = await person(browser, baseURL, 'Bee Member', { viewport: { width: 360, height: 740 } });

  // The owner founds the community and posts an Offer: their own first post is not unread for them.
  await navCommunities(owner.page).click();
  await owner.page.getByRole('button', { name: 'New community' }).click();
  await owner.page.getByRole('textbox', { name: 'Community name' }).fill('Seed swap');
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Seed swap');
  await owner.page.getByRole('button', { name: 'New thread' }).click();
  await owner.page.getByRole('textbox', { name: 'Title' }).fill('Spare seedlings');
  await owner.page.getByRole('radiogroup', { name: 'Kind' }).getByRole('radio', { name: /^Offer/ }).check();
  await owner.page.getByRole('textbox', { name: 'First message' }).fill('Tomatoes and courgettes, anyone?');
  await owner.page.getByRole('button', { name: 'Post thread' }).click();
  await expect(owner.page).toHaveURL(/\/thread\/\?id=/);
  await owner.page.getByRole('link', { name: 'Back to Seed swap' }).click();
  await owner.page.getByRole('button', { name: 'Invite' }).click();
  const link = await owner.page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  await expect(threads(owner.page).filter({ hasText: 'Spare seedlings' })).not.toContainText('unread');

  // Bee joins on a phone-sized screen: the owner's first post is unread for her until she opens the thread.
  await bee.page.goto(link);
  await bee.page.getByRole('button', { name: 'Join community' }).click();
  await expect(bee.page.getByRole('heading', { level: 1 })).toHaveText('Seed swap', { timeout: 30_000 });
  const beeRow = threads(bee.page).filter({ hasText: 'Spare seedlings' });
  await expect(beeRow.getByRole('link', { name: /1 unread/ })).toBeVisible({ timeout: 30_000 });
  await shot(bee.page, 'community-unread-member');
  await expectNoSeriousViolations(bee.page, 'community with unread at 360x740');
  await beeRow.getByRole('link').click();
  await expect(messages(bee.page).first()).toContainText('Tomatoes and courgettes, anyone?');
  await send(bee.page, 'Two tomato plants please');

  // The owner, on the community home, sees one unread on the thread row, on General and in the navigation.
  const ownerRow = threads(owner.page).filter({ hasText: 'Spare seedlings' });
  await expect(ownerRow.getByRole('link', { name: /1 unread/ })).toBeVisible({ timeout: 45_000 });
  await expect(channel(owner.page, 'General')).toHaveAccessibleName(/^General\s*1 unread$/);
  await expect(channel(owner.page, 'All channels')).toHaveAccessibleName(/^All channels\s*1 unread$/);
  await expect(navCommunities(owner.page)).toHaveAccessibleName(/Communities\s*1 unread$/);
  await shot(owner.page, 'community-unread-owner');
  await expectNoSeriousViolations(owner.page, 'community with unread');

  // The Communities list shows the community's total.
  await navCommunities(owner.page).click();
  await expect(communityItems(owner.page).filter({ hasText: 'Seed swap' })).toContainText('1 unread');
  await shot(owner.page, 'communities-unread');
  // Notifications name the community too, and lead back to it.
  await owner.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  const news = owner.page.getByRole('list', { name: 'New in your communities' }).getByRole('listitem');
  await expect(news.filter({ hasText: 'Seed swap' })).toContainText('1 unread');
  await news.filter({ hasText: 'Seed swap' }).getByRole('link').click();

  // Opening the thread reads it: back on the community home, every badge is gone.
  await ownerRow.getByRole('link').click();
  await expect(messages(owner.page)).toHaveCount(2);
  await expect(messages(owner.page).nth(1)).toContainText('Two tomato plants please');
  await expect(navCommunities(owner.page)).toHaveAccessibleName(/^Communities$/);
  await owner.page.getByRole('link', { name: 'Back to Seed swap' }).click();
  await expect(ownerRow).toHaveCount(1);
  await expect(ownerRow).not.toContainText('unread');
  await expect(channel(owner.page, 'General')).toHaveAccessibleName('General');
  await navCommunities(owner.page).click();
  await expect(communityItems(owner.page).filter({ hasText: 'Seed swap' })).toHaveCount(1);
  await expect(communityItems(owner.page).filter({ hasText: 'Seed swap' })).not.toContainText('unread');

  await Promise.all([owner.context.close(), bee.context.close()]);
});
