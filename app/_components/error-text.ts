// What a person reads for each failure code. Codes come from lib/client; the words live with the screens.
import type { ClientErrorCode } from '../../lib/client/client-errors';
import { ERRORS } from '../../lib/protocol/errors';

const TEXT: Partial<Record<ClientErrorCode, string>> = {
  'network.offline': 'Cannot reach the server. Check your connection and try again.',
  'response.invalid': 'The server sent an answer this app does not understand. Try again later.',
  'backup.unreadable':
    'Your account was found, but its key backup could not be opened on this device. Nothing was changed.',
  'recovery_key.malformed':
    'That recovery key has a typo: it should be 14 groups of 4 letters and digits. Check each group and try again.',
  'input.handle_invalid': 'Use 3 to 32 lowercase letters, digits or underscores for the handle.',
  'input.display_name_invalid': 'Enter a display name of 1 to 64 characters.',
  'passphrase.too_weak': 'Choose a stronger passphrase: at least 12 characters and rated Strong or better.',
  'session.already_signed_in': 'This browser is already signed in. Sign out first.',
  'session.none': 'You are signed out. Sign in again.',
  'community.roles_pending': 'This member’s signed role has not reached this device yet. Try again in a moment.',
  'account.handle_taken': 'That handle is taken. Try another one.',
  'auth.rate_limited': 'Too many attempts. Wait a minute, then try again.',
  'auth.session_expired': 'Your session has ended. Sign in again.',
  'auth.session_revoked': 'This device was signed out. Sign in again.',
  'request.invalid': 'Something in the form was not accepted. Check the fields and try again.',
  internal: 'Something went wrong on the server. Try again in a moment.',
  'server.shutting_down': 'The server is restarting. Try again in a moment.',
};

export function errorText(code: ClientErrorCode, overrides: Partial<Record<ClientErrorCode, string>> = {}): string {
  return overrides[code] ?? TEXT[code] ?? (code in ERRORS ? ERRORS[code as keyof typeof ERRORS].message : 'Something went wrong.');
}
