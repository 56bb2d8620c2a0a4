// Invite links end to end: the owner chooses how long a link works and for how many people, sees it under Active
// invite links, watches it get used up, and revokes another, which then turns a newcomer away with a clear reason.
import type { Page } from '@playwright/test';
import { appAlert, expect, expectNoSeriousViolations, shot, test } from './fixtures';
import { person } from './people';

const navCommunities = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' });
const activeLinks = (page: Page) => page.getByRole('list', { name: 'Active invite links' }).getByRole('listitem');
const endedLinks = (page: Page) => page.getByRole('list', { name: 'Ended invite links' }).getByRole('listitem');

async function makeLink(page: Page, worksFor: string, forPeople: string, previous = ''): Promise<string> {
  await page.getByRole('combobox', { name: 'Link works for' }).selectOption({ label: worksFor });
  await page.getByRole('combobox', { name: 'People who can join with it' }).selectOption({ label: forPeople });
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const box = page.getByRole('textbox', { name: 'Invite link' });
  await expect(box).toHaveValue(/\/join#[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  await expect(box).not.toHaveValue(previous);
  return box.inputValue();
}

test('the owner makes a 1-day link for one person, sees it used up, and revokes another, which then turns a newcomer away', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const owner = await person(browser, baseURL, 'Ines Inviter');
  const bee = await person(browser, baseURL, 'Bo Newcomer');
  const cee = await person(browser, baseURL, 'Cy Latecomer', { viewport: { width: 360, height: 740 } });

  await navCommunities(owner.page).click();
  await owner.page.getByRole('button', { name: 'New community' }).click();
  await owner.page.getByRole('textbox', { name: 'Community name' }).fill('Seed swap');
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page.getByRole('heading', { level: 1 })).toHaveText('Seed swap');
  // The defaults are 7 days and 50 people, and no link exists yet.
  await expect(owner.page.getByRole('combobox', { name: 'Link works for' })).toHaveValue('1');
  await expect(owner.page.getByRole('combobox', { name: 'Link works for' }).locator('option:checked')).toHaveText('7 days');
  await expect(owner.page.getByRole('combobox', { name: 'People who can join with it' }).locator('option:checked')).toHaveText('50 people');
  await expect(owner.page.getByText('No invite link works right now.')).toBeVisible();

  // A link for one person, for one day: shown whole once, and listed without its key.
  const first = await makeLink(owner.page, '1 day', '1 person');
  const firstTag = first.split('#')[1]!.slice(0, 6);
  await expect(owner.page.getByText('Works for 1 day, for up to 1 person. Copy it now: this is the only time the whole link is shown.')).toBeVisible();
  await expect(activeLinks(owner.page)).toHaveCount(1);
  await expect(activeLinks(owner.page).first()).toContainText(`join#${firstTag}`);
  await expect(activeLinks(owner.page).first()).toContainText('0 of 1 used');
  await expect(activeLinks(owner.page).first()).toContainText('by you');
  await expect(activeLinks(owner.page).first()).not.toContainText(first.split('.').pop()!);
  await shot(owner.page, 'invite-links-owner');
  await expectNoSeriousViolations(owner.page, 'invite links');
  await owner.page.setViewportSize({ width: 360, height: 740 });
  await shot(owner.page, 'invite-links-owner');
  await expectNoSeriousViolations(owner.page, 'invite links at 360x740');
  await owner.page.setViewportSize({ width: 1280, height: 800 });

  // Bo joins with it; the owner's list then shows it used up instead of working.
  await bee.page.goto(first);
  await bee.page.getByRole('button', { name: 'Join community' }).click();
  await expect(bee.page.getByRole('heading', { level: 1 })).toHaveText('Seed swap', { timeout: 30_000 });
  await expect(endedLinks(owner.page).filter({ hasText: `join#${firstTag}` })).toContainText('Used up: 1 of 1 used', { timeout: 30_000 });
  await expect(activeLinks(owner.page)).toHaveCount(0);

  // A second link, with the defaults, revoked at once: it leaves the list.
  const second = await makeLink(owner.page, '7 days', '50 people', first);
  const secondTag = second.split('#')[1]!.slice(0, 6);
  await expect(activeLinks(owner.page)).toHaveCount(1);
  await expect(activeLinks(owner.page).first()).toContainText('0 of 50 used');
  const revoke = activeLinks(owner.page).first().getByRole('button', { name: /^Revoke the link made on .+ by you, starting / });
  await expect(revoke).toHaveAccessibleName(new RegExp(`starting ${secondTag}$`));
  await revoke.click();
  await expect(owner.page.getByRole('status').filter({ hasText: /^Revoked the link made on/ })).toBeVisible();
  await expect(activeLinks(owner.page)).toHaveCount(0);
  await expect(owner.page.getByText(`join#${secondTag}`)).toHaveCount(0);
  await expect(owner.page.getByRole('textbox', { name: 'Invite link' })).toHaveCount(0);
  await shot(owner.page, 'invite-links-after-revoke');
  await expectNoSeriousViolations(owner.page, 'invite links, one used up and one revoked');

  // Cy, opening the revoked link, is told why it does not work, and is no member.
  await cee.page.goto(second);
  await cee.page.getByRole('button', { name: 'Join community' }).click();
  await expect(appAlert(cee.page)).toHaveText('This invite link was revoked. Ask for a new one.');
  await navCommunities(cee.page).click();
  await expect(cee.page.getByText('No communities yet')).toBeVisible();

  await Promise.all([owner.context.close(), bee.context.close(), cee.context.close()]);
});
