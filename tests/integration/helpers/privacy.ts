// Builders for the privacy and consent tests: settings, attempts to start or add, views, and every row of
// every table (for the account-deletion check).
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { ContactPolicy } from '../../../lib/protocol/api-privacy';
import { ConversationView } from '../../../lib/protocol/api-docs';
import { call, type ApiResponse } from './api';
import type { TestServer } from './server';
import { keyEnvelopes, newDocId, newEpochKey, type SyncUser } from './sync-client';

type ServerLike = Pick<TestServer, 'url'>;

export async function setContact(server: ServerLike, user: SyncUser, contact: ContactPolicy): Promise<void> {
  const response = await call(server, 'PUT', '/api/privacy', { token: user.token, json: { contact } });
  expect(response.status, response.text).toBe(200);
}

/** Tries to start a conversation; returns the raw answer (201, or the refusal). */
export async function tryStart(
  server: ServerLike,
  creator: SyncUser,
  others: SyncUser[],
  kind: 'direct' | 'group' = others.length === 1 ? 'direct' : 'group',
): Promise<{ id: string; key: Uint8Array; response: ApiResponse }> {
  const id = newDocId();
  const key = newEpochKey();
  const response = await call(server, 'POST', '/api/conversations', {
    token: creator.token,
    json: { id, kind, memberIds: others.map((o) => o.id), keyEnvelopes: keyEnvelopes(id, 0, key, creator, [creator, ...others]) },
  });
  return { id, key, response };
}

/** Tries to add members to a group at `epoch` with `key`. */
export function tryAdd(server: ServerLike, by: SyncUser, docId: string, epoch: number, key: Uint8Array, added: SyncUser[]): Promise<ApiResponse> {
  return call(server, 'POST', `/api/conversations/${docId}/members`, {
    token: by.token,
    json: { memberIds: added.map((a) => a.id), keyEnvelopes: keyEnvelopes(docId, epoch, key, by, added) },
  });
}

export async function viewOf(server: ServerLike, user: SyncUser, docId: string): Promise<ConversationView> {
  const response = await call(server, 'GET', `/api/conversations/${docId}`, { token: user.token });
  expect(response.status, response.text).toBe(200);
  return ConversationView.parse(response.body);
}

export async function listOf(server: ServerLike, user: SyncUser): Promise<ConversationView[]> {
  const response = await call(server, 'GET', '/api/conversations', { token: user.token });
  expect(response.status, response.text).toBe(200);
  return (response.body as { conversations: unknown[] }).conversations.map((c) => ConversationView.parse(c));
}

export async function post(server: ServerLike, user: SyncUser, path: string): Promise<ApiResponse> {
  return call(server, 'POST', path, { token: user.token });
}

/** Every row of every table in the database file, by table name (blobs as Buffers). */
export function everyRow(server: Pick<TestServer, 'db'>): Map<string, Array<Record<string, unknown>>> {
  const { orm } = server.db;
  const tables = orm.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const rows = new Map<string, Array<Record<string, unknown>>>();
  for (const { name } of tables) rows.set(name, orm.all<Record<string, unknown>>(sql.raw(`SELECT * FROM "${name.replaceAll('"', '""')}"`)));
  return rows;
}

/** Whether a column value contains `text` (as a string, or its UTF-8 bytes inside a blob). */
export function names(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (value instanceof Uint8Array) return Buffer.from(value).includes(Buffer.from(text, 'utf8'));
  return false;
}
