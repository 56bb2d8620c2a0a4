// One registry of error codes for the HTTP API and the sync socket.
// Tests assert codes, never message strings. 44xx close codes mirror HTTP statuses.

export const ERRORS = {
  'request.malformed_json': { status: 400, close: 4400, retry: false, message: 'The request body is not valid JSON.' },
  'request.invalid': { status: 400, close: 4400, retry: false, message: 'The request does not match the expected shape.' },
  'request.too_large': { status: 413, close: 4413, retry: false, message: 'The request is too large.' },
  'request.unsupported_media_type': { status: 415, close: 4400, retry: false, message: 'Send JSON with Content-Type: application/json.' },
  'route.not_found': { status: 404, close: 4404, retry: false, message: 'No such route.' },
  'route.method_not_allowed': { status: 405, close: 4405, retry: false, message: 'That method is not allowed here.' },
  'auth.required': { status: 401, close: 4401, retry: false, message: 'Sign in first.' },
  'auth.invalid_credentials': { status: 401, close: 4401, retry: false, message: 'That handle and key do not match an account.' },
  'auth.session_expired': { status: 401, close: 4401, retry: false, message: 'Your session has ended. Sign in again.' },
  'auth.session_revoked': { status: 401, close: 4401, retry: false, message: 'Your session has ended. Sign in again.' },
  'auth.ticket_invalid': { status: 401, close: 4401, retry: true, message: 'The connection ticket is unknown, used or expired.' },
  'auth.rate_limited': { status: 429, close: 4429, retry: true, message: 'Too many attempts. Wait a moment and try again.' },
  'account.handle_taken': { status: 409, close: 4409, retry: false, message: 'That handle is taken.' },
  'account.not_found': { status: 404, close: 4404, retry: false, message: 'No such account.' },
  'session.not_found': { status: 404, close: 4404, retry: false, message: 'No such session.' },
  'socket.origin_forbidden': { status: 403, close: 4403, retry: false, message: 'This origin may not open a sync socket.' },
  'socket.bad_frame': { status: 400, close: 4400, retry: false, message: 'The frame could not be decoded.' },
  'socket.frame_too_large': { status: 413, close: 4413, retry: false, message: 'The frame is too large.' },
  'socket.rate_limited': { status: 429, close: 4429, retry: true, message: 'Too many frames. Slow down.' },
  'socket.signed_out': { status: 401, close: 4401, retry: false, message: 'The session behind this socket ended.' },
  'server.shutting_down': { status: 503, close: 1012, retry: true, message: 'The server is restarting.' },
  // Documents (conversations now): a non-member learns nothing, not even that a document exists.
  'doc.not_found': { status: 404, close: 4404, retry: false, message: 'No such conversation.' },
  'doc.not_member': { status: 403, close: 4403, retry: false, message: 'You are not a member of this conversation.' },
  'doc.exists': { status: 409, close: 4409, retry: false, message: 'A conversation with that id exists.' },
  'doc.not_a_group': { status: 400, close: 4400, retry: false, message: 'Members can be added or removed only in a group.' },
  'doc.too_many_members': { status: 400, close: 4400, retry: false, message: 'A group has at most 50 members.' },
  'doc.wrong_epoch': { status: 409, close: 4409, retry: true, message: 'The conversation key changed meanwhile. Refresh and try again.' },
  'doc.key_envelopes_mismatch': { status: 400, close: 4400, retry: false, message: 'Send one key envelope for each member, no more, no less.' },
  'doc.bad_key_envelope': { status: 400, close: 4400, retry: false, message: 'A key envelope is not addressed, signed or sized as it must be.' },
  // The sync socket: each refusal closes the socket with its code and changes nothing.
  'update.malformed': { status: 400, close: 4400, retry: false, message: 'The update could not be decoded.' },
  'update.too_large': { status: 413, close: 4413, retry: false, message: 'The update is too large.' },
  'update.too_complex': { status: 400, close: 4400, retry: false, message: 'The update has too many parts.' },
  'update.forbidden_content': { status: 400, close: 4400, retry: false, message: 'The update holds content other than entries.' },
  'update.outside_entries': { status: 400, close: 4400, retry: false, message: 'The update writes outside the entry array.' },
  'update.missing_dependencies': { status: 400, close: 4400, retry: false, message: 'The update depends on content the server does not have.' },
  'update.client_id_taken': { status: 403, close: 4403, retry: false, message: 'That Yjs client id belongs to another member.' },
  'update.delete_without_snapshot': { status: 403, close: 4403, retry: false, message: 'Entries may be removed only together with a snapshot.' },
  'entry.forged_author': { status: 403, close: 4403, retry: false, message: 'An entry names an author other than you.' },
  'entry.duplicate': { status: 409, close: 4409, retry: false, message: 'That entry was stored before.' },
  'awareness.client_id_taken': { status: 403, close: 4403, retry: false, message: 'That awareness client id belongs to another socket.' },
  'socket.too_many': { status: 429, close: 4429, retry: true, message: 'Too many open sockets for this account.' },
  internal: { status: 500, close: 1011, retry: true, message: 'Something went wrong on our side.' },
  'request.headers_too_large': { status: 431, close: 4413, retry: false, message: 'The request line or headers are too large.' },
  'request.timeout': { status: 408, close: 4408, retry: true, message: 'The request took too long to arrive.' },
  // Envelopes (lib/protocol/envelope): one signed, encrypted entry of an outer document.
  'envelope.truncated': { status: 400, close: 4400, retry: false, message: 'The envelope ends early.' },
  'envelope.too_large': { status: 413, close: 4413, retry: false, message: 'The envelope is too large.' },
  'envelope.bad_version': { status: 400, close: 4400, retry: false, message: 'Unknown envelope version.' },
  'envelope.bad_kind': { status: 400, close: 4400, retry: false, message: 'Unknown envelope entry kind.' },
  'envelope.malformed': { status: 400, close: 4400, retry: false, message: 'The envelope is malformed.' },
  'envelope.trailing_bytes': { status: 400, close: 4400, retry: false, message: 'The envelope has bytes after its signature.' },
  'envelope.bad_signature': { status: 403, close: 4403, retry: false, message: 'The envelope signature does not verify.' },
  'envelope.wrong_doc': { status: 400, close: 4400, retry: false, message: 'The envelope was made for another document id.' },
  'envelope.wrong_author': { status: 403, close: 4403, retry: false, message: 'The envelope is signed by someone else.' },
  'envelope.unknown_epoch': { status: 409, close: 4409, retry: true, message: 'The envelope uses a key epoch that is not current or not known.' },
  'envelope.decrypt_failed': { status: 400, close: 4400, retry: false, message: 'The envelope could not be decrypted.' },
  'envelope.inner_malformed': { status: 400, close: 4400, retry: false, message: 'The decrypted envelope content is malformed.' },
  // Key envelopes (lib/protocol/key-envelope): an epoch key boxed to one member and signed by the sender.
  'key_envelope.truncated': { status: 400, close: 4400, retry: false, message: 'The key envelope ends early.' },
  'key_envelope.bad_version': { status: 400, close: 4400, retry: false, message: 'Unknown key envelope version.' },
  'key_envelope.trailing_bytes': { status: 400, close: 4400, retry: false, message: 'The key envelope has bytes after its signature.' },
  'key_envelope.bad_signature': { status: 403, close: 4403, retry: false, message: 'The key envelope signature does not verify.' },
  'key_envelope.wrong_doc': { status: 400, close: 4400, retry: false, message: 'The key envelope was made for another document id.' },
  'key_envelope.wrong_epoch': { status: 400, close: 4400, retry: false, message: 'The key envelope is for another epoch.' },
  'key_envelope.wrong_recipient': { status: 400, close: 4400, retry: false, message: 'The key envelope is addressed to someone else.' },
  'key_envelope.wrong_sender': { status: 403, close: 4403, retry: false, message: 'The key envelope is signed by someone else.' },
  'key_envelope.decrypt_failed': { status: 400, close: 4400, retry: false, message: 'The key envelope could not be opened.' },
  // Privacy and consent: who may reach whom. A refused sender learns no more than "cannot start".
  'conversation.cannot_start': { status: 403, close: 4403, retry: false, message: 'You cannot start a conversation with this person.' },
  'conversation.blocked_by_you': { status: 409, close: 4409, retry: false, message: 'You blocked this person. Unblock them first.' },
  'request.not_pending': { status: 409, close: 4409, retry: false, message: 'This conversation is not a message request.' },
  // A quota rather than a permission: 4429 like a rate limit, but retrying does not help until they accept.
  'request.cap_reached': { status: 429, close: 4429, retry: false, message: 'You can send only a few messages until they accept your request.' },
  'entry.blocked': { status: 403, close: 4403, retry: false, message: 'You cannot send messages in this conversation.' },
  // Communities (api-communities): the server holds membership and roles to enforce them, never names or posts.
  'community.not_allowed': { status: 403, close: 4403, retry: false, message: 'Your role in this community does not allow that.' },
  'community.owner_cannot_leave': { status: 409, close: 4409, retry: false, message: 'Hand ownership to someone else before you leave.' },
  'community.too_many_members': { status: 400, close: 4400, retry: false, message: 'A community has at most 1,000 members.' },
  'community.already_member': { status: 409, close: 4409, retry: false, message: 'That person is in this community already.' },
  'community.invitation_pending': { status: 403, close: 4403, retry: false, message: 'Accept the invitation to this community first.' },
  'community.cannot_invite': { status: 403, close: 4403, retry: false, message: 'You cannot invite this person.' },
  'community.not_invited': { status: 409, close: 4409, retry: false, message: 'There is no invitation waiting for you here.' },
  'thread.exists': { status: 409, close: 4409, retry: false, message: 'A document with that id exists.' },
  // An invite link: a wrong proof looks exactly like an unknown link.
  'invite.not_found': { status: 404, close: 4404, retry: false, message: 'No such invite link.' },
  'invite.exists': { status: 409, close: 4409, retry: false, message: 'An invite with that id exists.' },
  'invite.expired': { status: 410, close: 4410, retry: false, message: 'This invite link has expired.' },
  'invite.revoked': { status: 410, close: 4410, retry: false, message: 'This invite link was revoked.' },
  'invite.used_up': { status: 410, close: 4410, retry: false, message: 'This invite link has been used as often as it may be.' },
  'invite.stale': { status: 410, close: 4410, retry: false, message: 'The community key changed since this link was made. Ask for a new link.' },
  'account.deleted': { status: 401, close: 4401, retry: false, message: 'This account was deleted.' },
  'account.owns_communities': {
    status: 409,
    close: 4409,
    retry: false,
    message: 'You own a community that has other members. Make one of them its owner, or delete the community, first.',
  },
} as const satisfies Record<string, { status: number; close: number; retry: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every /api error: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function errorBody(code: ErrorCode, message: string = ERRORS[code].message): ErrorBody {
  return { error: { code, message } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** Expected failures are values, not exceptions. */
export type Result<T, C extends string = ErrorCode> = { ok: true; value: T } | { ok: false; code: C };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <C extends string>(code: C): { ok: false; code: C } => ({ ok: false, code });

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
