// Rows to wire shapes: binary becomes base64url here and nowhere earlier.
import type { Account, PublicProfile, SessionInfo } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import type { AccountRow, SessionRow } from '../db/schema';

export function accountView(row: AccountRow): Account {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.displayName,
    signingPublicKey: toBase64url(row.signingPublicKey),
    boxPublicKey: toBase64url(row.boxPublicKey),
    createdAt: row.createdAt,
  };
}

export function profileView(row: AccountRow): PublicProfile {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.displayName,
    signingPublicKey: toBase64url(row.signingPublicKey),
    boxPublicKey: toBase64url(row.boxPublicKey),
  };
}

export function sessionView(row: SessionRow, currentId: string): SessionInfo {
  return {
    id: row.id,
    deviceName: row.deviceName,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    current: row.id === currentId,
  };
}
