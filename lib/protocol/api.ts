// The HTTP API's request and response shapes. The zod schema is the type.
// Binary values travel as base64url strings with an exact decoded length.
import { z } from 'zod';
import { fromBase64url } from './base64url';

/** A base64url string that decodes to exactly `length` bytes (or between min and max). */
export function b64(length: number): z.ZodString;
export function b64(min: number, max: number): z.ZodString;
export function b64(min: number, max = min): z.ZodString {
  return z.string().max(Math.ceil((max * 4) / 3) + 4).refine(
    (s) => {
      const bytes = fromBase64url(s);
      return bytes !== null && bytes.length >= min && bytes.length <= max;
    },
    { message: min === max ? `must be base64url of ${min} bytes` : `must be base64url of ${min} to ${max} bytes` },
  ) as unknown as z.ZodString;
}

export const MIN_KDF_ITERATIONS = 600_000;
export const MAX_KDF_ITERATIONS = 10_000_000;
/** nonce (24) + secretbox overhead (16) + at most 1 KiB of secret-key material. */
export const MAX_BACKUP_BYTES = 24 + 16 + 1024;
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const TICKET_TTL_MS = 30 * 1000;

export const Handle = z.string().regex(/^[a-z0-9_]{3,32}$/, 'Use 3 to 32 lowercase letters, digits or underscores.');
export type Handle = z.infer<typeof Handle>;
export const DisplayName = z.string().trim().min(1).max(64);
export const DeviceName = z.string().trim().min(1).max(64);
export const Id = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

export const KdfParams = z.strictObject({
  algorithm: z.literal('PBKDF2-SHA256'),
  iterations: z.number().int().min(MIN_KDF_ITERATIONS).max(MAX_KDF_ITERATIONS),
  salt: b64(16),
});
export type KdfParams = z.infer<typeof KdfParams>;

/** A secretbox-wrapped secret-key backup: base64url(nonce || box). */
export const WrappedBackup = b64(24 + 16 + 1, MAX_BACKUP_BYTES);

export const PublicKeys = z.strictObject({
  signingPublicKey: b64(32),
  boxPublicKey: b64(32),
});
export type PublicKeys = z.infer<typeof PublicKeys>;

// POST /api/accounts
export const SignUpRequest = z.strictObject({
  handle: Handle,
  displayName: DisplayName,
  deviceName: DeviceName,
  ...PublicKeys.shape,
  kdf: KdfParams,
  /** The HKDF auth key derived from the passphrase; the server keeps only a salted hash. */
  authKey: b64(32),
  /** The HKDF auth key derived from the recovery key; the server keeps only a salted hash. */
  recoveryAuthKey: b64(32),
  passphraseBackup: WrappedBackup,
  recoveryBackup: WrappedBackup,
});
export type SignUpRequest = z.infer<typeof SignUpRequest>;

export const Account = z.strictObject({
  id: Id,
  handle: Handle,
  displayName: DisplayName,
  ...PublicKeys.shape,
  createdAt: z.number().int(),
});
export type Account = z.infer<typeof Account>;

export const SessionGrant = z.strictObject({
  /** 256-bit random, sent back as `Authorization: Bearer <token>`. */
  token: b64(32),
  sessionId: Id,
  expiresAt: z.number().int(),
  account: Account,
  /** The backup wrapped by whichever secret was used to sign in. */
  backup: WrappedBackup,
});
export type SessionGrant = z.infer<typeof SessionGrant>;

// POST /api/auth/kdf — the same shape whether or not the handle exists.
export const KdfRequest = z.strictObject({ handle: Handle });
export const KdfResponse = z.strictObject({ kdf: KdfParams });

// POST /api/sessions
export const SignInRequest = z.strictObject({ handle: Handle, authKey: b64(32), deviceName: DeviceName });
// POST /api/sessions/recovery
export const RecoverySignInRequest = z.strictObject({ handle: Handle, recoveryAuthKey: b64(32), deviceName: DeviceName });

export const SessionInfo = z.strictObject({
  id: Id,
  deviceName: DeviceName,
  createdAt: z.number().int(),
  lastSeenAt: z.number().int(),
  expiresAt: z.number().int(),
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;
// GET /api/sessions
export const SessionList = z.strictObject({ sessions: z.array(SessionInfo) });

// POST /api/account/passphrase
export const ChangePassphraseRequest = z
  .strictObject({
    /** The auth key of the current passphrase ... */
    currentAuthKey: b64(32).optional(),
    /** ... or, for someone who forgot it, the recovery key's auth key. Exactly one of the two. */
    recoveryAuthKey: b64(32).optional(),
    kdf: KdfParams,
    authKey: b64(32),
    passphraseBackup: WrappedBackup,
  })
  .refine((r) => (r.currentAuthKey === undefined) !== (r.recoveryAuthKey === undefined), {
    message: 'send exactly one of currentAuthKey and recoveryAuthKey',
  });

// PATCH /api/account
export const UpdateProfileRequest = z.strictObject({ displayName: DisplayName });

// GET /api/users/:handle
export const PublicProfile = z.strictObject({
  id: Id,
  handle: Handle,
  displayName: DisplayName,
  ...PublicKeys.shape,
});
export type PublicProfile = z.infer<typeof PublicProfile>;

// POST /api/tickets — single use, 30 s; the only credential that ever appears in a socket URL.
export const TicketResponse = z.strictObject({ ticket: b64(32), expiresAt: z.number().int() });

export const HealthResponse = z.object({ ok: z.literal(true), version: z.string(), uptimeMs: z.number() });

export const OkResponse = z.strictObject({ ok: z.literal(true) });
