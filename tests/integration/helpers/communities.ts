// Communities against the real server: create one with a real key envelope, make invite links the way a client
// does (secret in the fragment, proof and sealed key derived from it), redeem them, and fingerprint the tables.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { CommunityView } from '../../../lib/protocol/api-communities';
import { fromBase64url, toBase64url } from '../../../lib/protocol/base64url';
import { deriveInviteKeys, inviteProofHash, openInviteKey, sealInviteKey } from '../../../lib/protocol/invite';
import { communityDirectory, communityInvites, communityRoles, communityThreads } from '../../../sync-server/db/community-schema';
import { call, type ApiResponse } from './api';
import type { TestServer } from './server';
import { keyEnvelopes, newDocId, newEpochKey, type SyncUser } from './sync-client';
import { docTablesFingerprint } from './sync-db';

type ServerLike = Pick<TestServer, 'url' | 'clock'>;
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface Community {
  id: string;
  /** Epoch keys as the creator knows them. */
  keys: Map<number, Uint8Array>;
}

export async function createCommunity(server: ServerLike, owner: SyncUser): Promise<Community> {
  const id = newDocId();
  const key = newEpochKey();
  const response = await call(server, 'POST', '/api/communities', { token: owner.token, json: { id, keyEnvelopes: keyEnvelopes(id, 0, key, owner, [owner]) } });
  expect(response.status, response.text).toBe(201);
  return { id, keys: new Map([[0, key]]) };
}

export async function viewOf(server: ServerLike, user: SyncUser, communityId: string): Promise<CommunityView> {
  const response = await call(server, 'GET', `/api/communities/${communityId}`, { token: user.token });
  expect(response.status, response.text).toBe(200);
  return CommunityView.parse(response.body);
}

export interface Invite {
  id: string;
  secret: Uint8Array;
  proof: string;
}

/** Makes an invite link for the community's current epoch as a client would. */
export async function makeInvite(
  server: ServerLike,
  by: SyncUser,
  communityId: string,
  key: Uint8Array,
  epoch: number,
  options: { ttlMs?: number; maxUses?: number } = {},
): Promise<{ invite: Invite; response: ApiResponse }> {
  const secret = random(32);
  const { proofKey, sealKey } = await deriveInviteKeys(secret);
  const id = newDocId();
  const response = await call(server, 'POST', `/api/communities/${communityId}/invites`, {
    token: by.token,
    json: {
      id,
      proofHash: toBase64url(await inviteProofHash(proofKey)),
      sealedKey: toBase64url(sealInviteKey(key, sealKey, random)),
      epoch,
      expiresAt: server.clock.now() + (options.ttlMs ?? 24 * 3600 * 1000),
      maxUses: options.maxUses ?? 10,
    },
  });
  return { invite: { id, secret, proof: toBase64url(proofKey) }, response };
}

/** Opens the link (the sealed key, with the secret only the invitee has) and redeems it with a self-addressed envelope. */
export async function redeem(server: ServerLike, user: SyncUser, invite: Invite): Promise<ApiResponse> {
  const opened = await call(server, 'POST', `/api/invites/${invite.id}/open`, { token: user.token, json: { proof: invite.proof } });
  if (opened.status !== 200) return opened;
  const { sealKey } = await deriveInviteKeys(invite.secret);
  const key = openInviteKey(fromBase64url(opened.body.sealedKey)!, sealKey);
  if (!key.ok) throw new Error('the sealed key did not open with the link secret');
  const [envelope] = keyEnvelopes(opened.body.communityId, opened.body.epoch, key.value, user, [user]);
  return call(server, 'POST', `/api/invites/${invite.id}/redeem`, { token: user.token, json: { proof: invite.proof, keyEnvelope: envelope!.envelope } });
}

export async function join(server: ServerLike, user: SyncUser, invite: Invite): Promise<CommunityView> {
  const response = await redeem(server, user, invite);
  expect(response.status, response.text).toBe(200);
  return CommunityView.parse(response.body);
}

/** Every row of the document and community tables: a refused request must leave them as they were. */
export function tablesFingerprint(server: Pick<TestServer, 'db'>): string {
  const { orm } = server.db;
  return JSON.stringify({
    docs: docTablesFingerprint(server),
    roles: orm.select().from(communityRoles).all(),
    threads: orm.select().from(communityThreads).all(),
    invites: orm.select().from(communityInvites).all().map((r) => ({ ...r, proofHash: toBase64url(r.proofHash), sealedKey: toBase64url(r.sealedKey) })),
    directory: orm.select().from(communityDirectory).all(),
  });
}
