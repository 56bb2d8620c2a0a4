// Message requests: a conversation from someone new waits in Message requests until the recipient accepts;
// until then the sender may write only a few entries and sees no presence. Tests accept as the person would.
import { call } from './api';
import type { Device } from './engine-device';
import type { TestServer } from './server';

export async function acceptRequest(server: Pick<TestServer, 'url'>, d: Pick<Device, 'token' | 'engine'>, docId: string): Promise<void> {
  const response = await call(server, 'POST', `/api/conversations/${encodeURIComponent(docId)}/accept`, { token: d.token });
  if (response.status !== 200) throw new Error(`accepting the request failed: ${response.status} ${response.text}`);
  await d.engine.conversations.refreshOne(docId);
}
