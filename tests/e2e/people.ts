// People in end-to-end tests: each is a browser context of their own, signed up through the screens, and
// the few things every conversation test does the way a person does them.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { acceptRequest, expect, makeUser, signUpWithToken, type TestUser } from './fixtures';

export interface Person {
  user: TestUser;
  context: BrowserContext;
  page: Page;
  /** The session token the server granted at sign-up, to act through the API as that person. */
  token: string;
}

export async function person(browser: Browser, baseURL: string | undefined, name: string, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL, ...options });
  const page = await context.newPage();
  const user = makeUser({ displayName: name });
  const token = await signUpWithToken(page, user);
  return { user, context, page, token };
}

export const messages = (page: Page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
export const conversations = (page: Page) => page.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
export const requests = (page: Page) => page.getByRole('list', { name: 'Message requests' }).getByRole('listitem');
export const navConversations = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Conversations/ });
export const navSettings = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' });

/** Fills and submits the New conversation form from the Conversations screen (the outcome is the caller's to check). */
export async function submitNewConversation(page: Page, handles: string, groupName?: string): Promise<void> {
  await navConversations(page).click();
  const open = page.getByRole('button', { name: 'New conversation' });
  await expect(open).toBeEnabled();
  if ((await open.getAttribute('aria-expanded')) !== 'true') await open.click();
  await page.getByRole('textbox', { name: 'Handle' }).fill(handles);
  if (groupName) await page.getByRole('textbox', { name: /Group name/ }).fill(groupName);
  await page.getByRole('button', { name: 'Start conversation' }).click();
}

/** Starts a conversation and resolves with its id once its view is open. */
export async function startConversation(page: Page, handles: string, groupName?: string): Promise<string> {
  await submitNewConversation(page, handles, groupName);
  await expect(page).toHaveURL(/\/c\/\?id=[A-Za-z0-9_-]{22}$/);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEditable();
  return new URL(page.url()).searchParams.get('id') ?? '';
}

/** Opens a conversation from the list by its title; a message request is opened from Message requests and accepted. */
export async function openFromList(page: Page, title: string | RegExp, options: { request?: boolean } = {}): Promise<void> {
  await navConversations(page).click();
  if (options.request) {
    await page.getByRole('link', { name: /Message requests/ }).click();
    await requests(page).filter({ has: page.getByText(title, { exact: true }) }).getByRole('link').click();
    // The list has an Accept per request too: wait for the conversation before answering it.
    await expect(page).toHaveURL(/\/c\/\?id=/);
    await page.getByRole('button', { name: 'Accept' }).click();
  } else {
    await conversations(page).filter({ has: page.getByText(title, { exact: true }) }).getByRole('link').click();
  }
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEditable();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

/**
 * Two people in a direct conversation, the first one looking at it. The second accepts the message request
 * through the API (the server caps what the sender writes until then); `options` apply to both contexts.
 */
export async function pair(browser: Browser, baseURL: string | undefined, names: [string, string], options: { a?: BrowserContextOptions; b?: BrowserContextOptions } = {}) {
  const a = await person(browser, baseURL, names[0], options.a);
  const b = await person(browser, baseURL, names[1], options.b);
  const docId = await startConversation(a.page, b.user.handle);
  await acceptRequest(b.page, b.token, docId);
  return { a, b, docId };
}
