// Roles and the life of a community end to end, three people in browser contexts of their own: the owner makes
// Ben a moderator, Ben adds a channel and posts a thread in it, the owner (told first that an owner cannot just
// leave) hands ownership to Ben and leaves, and Ben deletes the community, which disappears for everyone.
import type { Page } from '@playwright/test';
import { expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { messages, person } from './people';

const threads = (page: Page) => page.getByRole('list', { name: 'Threads' }).getByRole('listitem');
const member = (page: Page, name: string) => page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: name });
const channels = (page: Page) => page.getByRole('navigation', { name: 'Channels' });
const navCommunities = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' });

test('the owner promotes Ben, Ben adds a channel and a thread in it, ownership moves to Ben, the owner leaves, Ben deletes it for everyone', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const olive = await person(browser, baseURL, 'Olive Owner', { viewport: { width: 360, height: 740 } });
  const ben = await person(browser, baseURL, 'Ben Mover');
  const cara = await person(browser, baseURL, 'Cara Member');

  // Olive founds the community and invites by link; Ben and Cara join.
  await navCommunities(olive.page).click();
  await olive.page.getByRole('button', { name: 'New community' }).click();
  await olive.page.getByRole('textbox', { name: 'Community name' }).fill('Repair café');
  await olive.page.getByRole('button', { name: 'Create community' }).click();
  await expect(olive.page.getByRole('heading', { level: 1 })).toHaveText('Repair café');
  await olive.page.getByRole('button', { name: 'Invite' }).click();
  const link = await olive.page.getByRole('textbox', { name: 'Invite link' }).inputValue();
  for (const p of [ben, cara]) {
    await p.page.goto(link);
    await p.page.getByRole('button', { name: 'Join community' }).click();
    await expect(p.page.getByRole('heading', { level: 1 })).toHaveText('Repair café', { timeout: 30_000 });
  }
  await expect(ben.page.getByRole('button', { name: 'New channel' })).toHaveCount(0);

  // An owner cannot simply leave: the screen says what to do instead.
  await olive.page.getByRole('button', { name: 'Leave community' }).click();
  await expect(olive.page.getByText('You own this community, so you cannot leave it yet')).toBeVisible();
  await olive.page.getByRole('button', { name: 'OK', exact: true }).click();

  // Olive makes Ben a moderator (offered once Ben's signed join has reached her device).
  const makeModerator = olive.page.getByRole('button', { name: 'Make Ben Mover moderator', exact: true });
  await expect(makeModerator).toBeVisible({ timeout: 45_000 });
  await expect(member(olive.page, 'Cara Member').getByRole('button', { name: 'Make Cara Member moderator', exact: true })).toBeVisible({ timeout: 45_000 });
  await member(olive.page, 'Ben Mover').scrollIntoViewIfNeeded();
  await shot(olive.page, 'community-roles-members');
  await makeModerator.click();
  await expect(member(olive.page, 'Ben Mover')).toContainText('Moderator');
  await expect(olive.page.getByRole('button', { name: 'Remove moderator role from Ben Mover', exact: true })).toBeVisible();
  await member(olive.page, 'Ben Mover').scrollIntoViewIfNeeded();
  await shot(olive.page, 'community-roles-moderator');
  await expectNoSeriousViolations(olive.page, 'members with role buttons at 360x740');

  // Ben, now a moderator, adds a channel and posts a thread in it (the form picks the channel on screen).
  await ben.page.getByRole('button', { name: 'New channel' }).click({ timeout: 30_000 });
  await ben.page.getByRole('textbox', { name: 'Channel name' }).fill('Bikes');
  await ben.page.getByRole('button', { name: 'Add channel' }).click();
  await expect(channels(ben.page).getByRole('link', { name: 'Bikes' })).toHaveAttribute('aria-current', 'page');
  await expect(ben.page).toHaveURL(/&channel=/);
  await ben.page.getByRole('button', { name: 'New thread' }).click();
  await expect(ben.page.getByRole('combobox', { name: 'Channel' }).locator('option:checked')).toHaveText('Bikes');
  await ben.page.getByRole('textbox', { name: 'Title' }).fill('Fix a puncture');
  await ben.page.getByRole('radiogroup', { name: 'Kind' }).getByRole('radio', { name: /^Need/ }).check();
  await ben.page.getByRole('textbox', { name: 'First message' }).fill('Who has a patch kit?');
  await ben.page.getByRole('button', { name: 'Post thread' }).click();
  await expect(ben.page).toHaveURL(/\/thread\/\?id=/);
  await expect(messages(ben.page)).toHaveCount(1);
  await ben.page.getByRole('link', { name: 'Back to Repair café' }).click();
  // Back on the community (all channels), as Ben sees it, before he picks a channel.
  await expect(channels(ben.page).getByRole('link', { name: 'All channels' })).toHaveAttribute('aria-current', 'page');
  await expect(threads(ben.page)).toHaveText([/Fix a puncture/]);
  await channels(ben.page).getByRole('link', { name: 'General' }).click();
  await expect(channels(ben.page).getByRole('link', { name: 'General' })).toHaveAttribute('aria-current', 'page');
  await expect(threads(ben.page)).toHaveCount(0);
  await channels(ben.page).getByRole('link', { name: 'Bikes' }).click();
  await expect(channels(ben.page).getByRole('link', { name: 'Bikes' })).toHaveAttribute('aria-current', 'page');
  await expect(threads(ben.page)).toHaveText([/Fix a puncture/]);
  await shot(ben.page, 'community-channel');
  await expectNoSeriousViolations(ben.page, 'community with channels');

  // Cara, a plain member, sees the channel and its thread, and cannot add channels.
  await channels(cara.page).getByRole('link', { name: 'Bikes' }).click({ timeout: 45_000 });
  await expect(threads(cara.page)).toHaveText([/Fix a puncture/], { timeout: 45_000 });
  await expect(cara.page.getByRole('button', { name: 'New channel' })).toHaveCount(0);
  await expect(cara.page.getByRole('button', { name: /moderator|owner/i })).toHaveCount(0);

  // Olive hands ownership to Ben (after confirming), becomes a moderator, and leaves.
  await olive.page.getByRole('button', { name: 'Make Ben Mover owner', exact: true }).click();
  const dialog = olive.page.getByRole('dialog', { name: 'Make Ben Mover the owner?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Make owner' }).click();
  await expect(member(olive.page, 'Ben Mover')).toContainText('Owner');
  await expect(member(olive.page, 'You')).toContainText('Moderator');
  await expect(olive.page.getByRole('button', { name: 'Delete community' })).toHaveCount(0);
  await olive.page.getByRole('button', { name: 'Leave community' }).click();
  await olive.page.getByRole('button', { name: 'Yes, leave' }).click();
  await expect(olive.page).toHaveURL(/\/communities\/$/);
  await expect(olive.page.getByText('No communities yet')).toBeVisible();
  // With the founder gone, Cara's device still believes Ben's channel (the signed records anchor on the founder).
  await expect(cara.page.getByRole('list', { name: 'Members' }).getByRole('listitem')).toHaveCount(2, { timeout: 30_000 });
  await expect(channels(cara.page).getByRole('link', { name: 'Bikes' })).toBeVisible();
  await expect(threads(cara.page)).toHaveText([/Fix a puncture/]);

  // Ben, the owner now, deletes the community after typing its name; it disappears for Cara too.
  await ben.page.getByRole('button', { name: 'Delete community' }).click({ timeout: 30_000 });
  const confirm = ben.page.getByRole('dialog', { name: 'Delete Repair café for everyone?' });
  const really = confirm.getByRole('button', { name: 'Delete community' });
  await expect(really).toBeDisabled();
  await confirm.getByRole('textbox', { name: 'Type the community name to confirm' }).fill('Repair café');
  await really.click();
  await expect(ben.page).toHaveURL(/\/communities\/$/);
  await expect(ben.page.getByText('No communities yet')).toBeVisible();
  await expect(cara.page.getByRole('heading', { level: 1, name: 'Community not found' })).toBeVisible({ timeout: 30_000 });
  await navCommunities(cara.page).click();
  await expect(cara.page.getByText('No communities yet')).toBeVisible();

  await Promise.all([olive.context.close(), ben.context.close(), cara.context.close()]);
});
