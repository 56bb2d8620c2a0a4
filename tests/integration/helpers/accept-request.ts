// Message requests: someone new who starts a conversation with you waits until you accept it (the server
// refuses writes before that). Tests whose second person writes accept first, as that person would.
import { call } from './api';
import type { Device } from './engine-device';
import type { TestServer } from './server';

export async function acceptRequest(server: Pick<TestServer, 'url'>, d: Pick<Device, 'token' | 'engine'>, docId: string): Promise<void> {
  const response = await call(server, 'POST', `/api/conversations/${encodeURIComponent(docId)}/accept`, { token: d.token });
  if (response.status !== 200) throw new Error(`accepting the request failed: ${response.status} ${response.text}`);
  await d.engine.conversations.refreshOne(docId);
}
