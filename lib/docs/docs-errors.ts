// Expected failures of the document model, as values. These never cross the wire as API errors (the server
// cannot read documents), so they live here rather than in lib/protocol/errors.ts.

export const DOCS_ERROR_CODES = [
  'conversation.already_initialised',
  'conversation.not_initialised',
  'conversation.unsupported_format',
  'conversation.malformed',
  'conversation.invalid_members',
  'conversation.invalid_title',
  'conversation.not_group',
  'message.empty',
  'message.too_long',
  'message.invalid_text',
  'message.not_found',
  'message.not_author',
  'message.deleted',
  'reaction.invalid_emoji',
  // Why the membership fold set a record aside.
  'membership.malformed',
  'membership.wrong_doc',
  'membership.bad_signature',
  'membership.no_create',
  'membership.duplicate_create',
  'membership.not_creator',
  'membership.unauthorised',
  'membership.invalid_subjects',
  'membership.too_many',
  'membership.direct_fixed',
] as const;

export type DocsErrorCode = (typeof DOCS_ERROR_CODES)[number];
