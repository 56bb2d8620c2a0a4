// Finding and being asked into communities, end to end: the owner lists a community in the public directory and
// someone finds it by searching; the owner invites a third person by handle, who sees the invitation, accepts and
// posts; an invitation declined disappears.
import type { Page } from '@playwright/test';
import { expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { messages, person } from './people';

const phone = { viewport: { width: 360, height: 740 } };
const navCommunities = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' });
const invitations = (page: Page) => page.getByRole('list', { name: 'Invitations' }).getByRole('listitem');
const myCommunities = (page: Page) => page.getByRole('list', { name: 'Communities' }).getByRole('listitem');

async function inviteByHandle(page: Page, handle: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Handle to invite' }).fill(handle);
  await page.getByRole('button', { name: 'Send invitation' }).click();
}

test('a listed community is found in the directory; an invitation by handle is accepted and another declined', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const owner = await person(browser, baseURL, 'Olive Owner');
  const seeker = await person(browser, baseURL, 'Sam Seeker', phone);
  const tess = await person(browser, baseURL, 'Tess Invitee', phone);

  // The owner founds a listed community; the form says plainly what becomes public.
  await navCommunities(owner.page).click();
  await owner.page.getByRole('button', { name: 'New community' }).click();
  await owner.page.getByRole('textbox', { name: 'Community name' }).fill('Tool library Leith');
  await owner.page.getByRole('textbox', { name: 'Description' }).fill('Borrow a drill, lend a ladder');
  const listed = owner.page.getByRole('checkbox', { name: 'List in the public directory' });
  await expect(listed).not.toBeChecked();
  await expect(owner.page.getByText(/name and description: these two become public/)).toBeVisible();
  await expect(owner.page.getByText(/private community: it is never listed/)).toBeVisible();
  await listed.check();
  await owner.page.getByRole('radiogroup', { name: 'New members see' }).getByRole('radio', { name: /^Earlier posts too/ }).check();
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page).toHaveURL(/\/community\/\?id=[A-Za-z0-9_-]{22}$/);
  await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Tool library Leith');
  await expect(owner.page.getByRole('switch', { name: 'List in the public directory' })).toBeChecked();

  // Someone else finds it by searching the directory (phone-sized screen); joining takes an invitation.
  await navCommunities(seeker.page).click();
  await seeker.page.getByRole('button', { name: 'Find communities' }).click();
  await seeker.page.getByRole('searchbox', { name: 'Search the directory' }).fill('tool lib');
  await seeker.page.getByRole('button', { name: 'Search', exact: true }).click();
  const found = seeker.page.getByRole('list', { name: 'Directory results' }).getByRole('listitem');
  await expect(found).toHaveCount(1);
  await expect(found.first()).toContainText('Tool library Leith');
  await expect(found.first()).toContainText('Borrow a drill, lend a ladder');
  await expect(found.first()).toContainText('1 member');
  await expect(found.first()).toContainText('ask a member for an invite link');
  await seeker.page.getByRole('searchbox', { name: 'Search the directory' }).fill('no such place');
  await seeker.page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(seeker.page.getByRole('status').filter({ hasText: 'No listed community matches' })).toBeVisible();
  await seeker.page.getByRole('searchbox', { name: 'Search the directory' }).fill('Leith');
  await seeker.page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(found).toHaveCount(1);
  await shot(seeker.page, 'directory-search');
  await expectNoSeriousViolations(seeker.page, 'find communities');

  // The owner invites by handle: an unknown handle is named as such, then Tess is invited.
  await inviteByHandle(owner.page, 'nobody_has_this_handle');
  const inviting = owner.page.getByRole('region', { name: 'Invite by handle' });
  await expect(inviting.getByRole('alert')).toContainText('Nobody has the handle @nobody_has_this_handle');
  await inviteByHandle(owner.page, tess.user.handle);
  await expect(inviting.getByRole('status')).toContainText(`Invited @${tess.user.handle}`);
  // The owner's member list says Tess has not answered yet, and offers no role change for her.
  const tessRow = owner.page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: `@${tess.user.handle}` });
  await expect(tessRow).toContainText('Invited, not answered yet');
  await expect(tessRow.getByRole('button', { name: /moderator/ })).toHaveCount(0);

  // Tess sees the invitation (the main navigation counts it) with the community's name, accepts, and posts.
  await expect(navCommunities(tess.page)).toHaveAccessibleName(/Communities\s*1 invitation$/, { timeout: 30_000 });
  await navCommunities(tess.page).click();
  await expect(invitations(tess.page)).toHaveCount(1, { timeout: 30_000 });
  await expect(invitations(tess.page).first()).toContainText('Tool library Leith', { timeout: 30_000 });
  await shot(tess.page, 'community-invitation');
  await expectNoSeriousViolations(tess.page, 'community invitation');
  await invitations(tess.page).first().getByRole('button', { name: 'Accept' }).click();
  await expect(invitations(tess.page)).toHaveCount(0);
  await expect(navCommunities(tess.page)).toHaveAccessibleName('Communities');
  await expect(myCommunities(tess.page)).toHaveCount(1);
  await myCommunities(tess.page).first().getByRole('link').click();
  await expect(tess.page.getByRole('heading', { level: 1 })).toHaveText('Tool library Leith', { timeout: 30_000 });
  await tess.page.getByRole('button', { name: 'New thread' }).click();
  await tess.page.getByRole('textbox', { name: 'Title' }).fill('Need a hedge trimmer');
  await tess.page.getByRole('radiogroup', { name: 'Kind' }).getByRole('radio', { name: /^Need/ }).check();
  await tess.page.getByRole('textbox', { name: 'First message' }).fill('Just for one afternoon');
  await tess.page.getByRole('button', { name: 'Post thread' }).click();
  await expect(tess.page).toHaveURL(/\/thread\/\?id=/);
  await expect(messages(tess.page)).toHaveCount(1);
  await expect(messages(tess.page).first()).toContainText('Just for one afternoon');
  await expect(messages(tess.page).first()).not.toContainText('Pending', { timeout: 30_000 });
  await expect(tessRow).not.toContainText('Invited', { timeout: 30_000 });
  await expect(tessRow.getByRole('button', { name: /moderator/ })).toHaveCount(1);

  // The owner invites the seeker too, who finds it under Notifications and declines there: the invitation
  // disappears and the community is not theirs.
  await inviteByHandle(owner.page, seeker.user.handle);
  await expect(inviting.getByRole('status')).toContainText(`Invited @${seeker.user.handle}`);
  await seeker.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  await expect(invitations(seeker.page)).toHaveCount(1, { timeout: 30_000 });
  await expect(invitations(seeker.page).first()).toContainText('Tool library Leith', { timeout: 30_000 });
  await shot(seeker.page, 'notifications-invitation');
  await expectNoSeriousViolations(seeker.page, 'notifications');
  await invitations(seeker.page).first().getByRole('button', { name: 'Decline' }).click();
  await expect(invitations(seeker.page)).toHaveCount(0);
  await expect(seeker.page.getByRole('status').filter({ hasText: 'Declined the invitation' })).toBeVisible();
  await expect(seeker.page.getByRole('heading', { name: 'You are all caught up' })).toBeVisible();
  await navCommunities(seeker.page).click();
  // On the Communities screen first: a count of none holds on any screen, and a reload reloads where the page is.
  await expect(seeker.page.getByRole('heading', { level: 1, name: 'Communities' })).toBeVisible();
  await expect(myCommunities(seeker.page)).toHaveCount(0);
  await seeker.page.reload();
  await expect(seeker.page.getByRole('heading', { level: 1, name: 'Communities' })).toBeVisible();
  await expect(invitations(seeker.page)).toHaveCount(0);

  // From the community home the owner changes the history setting, and takes the listing down.
  const settings = owner.page.getByRole('region', { name: 'Community settings' });
  await settings.getByRole('radiogroup', { name: 'New members see' }).getByRole('radio', { name: /^Only posts from when they join/ }).check();
  await expect(settings.getByRole('status')).toContainText('New members will see only posts from when they join.');
  await settings.getByRole('switch', { name: 'List in the public directory' }).uncheck();
  await expect(settings.getByRole('status')).toContainText('Removed from the public directory.');
  await expect(settings.getByRole('switch', { name: 'List in the public directory' })).not.toBeChecked();
  await expect(settings.getByRole('radio', { name: /^Only posts from when they join/ })).toBeChecked();
  await shot(owner.page, 'community-settings');
  await expectNoSeriousViolations(owner.page, 'community settings');
  await seeker.page.getByRole('button', { name: 'Find communities' }).click();
  await seeker.page.getByRole('searchbox', { name: 'Search the directory' }).fill('Leith');
  await seeker.page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(seeker.page.getByRole('status').filter({ hasText: 'No listed community matches' })).toBeVisible();

  await Promise.all([owner.context.close(), seeker.context.close(), tess.context.close()]);
});
