// The failures the client reports as values: every server code, plus the ones that only the
// device can detect (no network, a response that does not parse, a backup that will not open).
import type { ErrorCode, Result } from '../protocol/errors';

export type LocalErrorCode =
  /** fetch failed: no network, server unreachable, or the request timed out. */
  | 'network.offline'
  /** The server answered with something that does not match the agreed schema. */
  | 'response.invalid'
  /** The wrapped backup did not open with the derived key, or did not match the account's public keys. */
  | 'backup.unreadable'
  /** The recovery key text has a wrong length, alphabet or checksum. */
  | 'recovery_key.malformed'
  /** The handle does not fit `Handle` (3 to 32 lowercase letters, digits, underscores). */
  | 'input.handle_invalid'
  /** Starting a conversation needs at least one handle. */
  | 'input.handles_empty'
  /** The only handle given is the person's own. */
  | 'input.only_own_handle'
  /** A group name is empty after trimming, too long, or not well-formed text. */
  | 'input.title_invalid'
  /** The display name is empty or longer than 64 characters. */
  | 'input.display_name_invalid'
  /** The new passphrase is shorter than 12 characters or scores below 3. */
  | 'passphrase.too_weak'
  /** Only one device may be signed in per browser profile; sign out first. */
  | 'session.already_signed_in'
  /** The call needs a signed-in device. */
  | 'session.none'
  /** A role change waits for the member's signed join (or earlier role) record to reach this device. */
  | 'community.roles_pending';

export type ClientErrorCode = ErrorCode | LocalErrorCode;
export type ClientResult<T> = Result<T, ClientErrorCode>;

/** Codes that mean this device's session is gone: the device wipes itself and shows sign-in. */
export const SIGNED_OUT_CODES: ReadonlySet<ClientErrorCode> = new Set<ClientErrorCode>([
  'auth.required',
  'auth.session_expired',
  'auth.session_revoked',
]);
