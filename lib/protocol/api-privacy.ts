// API shapes for privacy and consent: who may contact me, message requests, blocks, the metadata export
// and account deletion. The server enforces what protects one person from another; see THREAT_MODEL.md.
import { z } from 'zod';
import { Account, b64, DisplayName, Handle, Id, SessionInfo } from './api';
import { DocId } from './api-docs';

/**
 * Who may start a conversation with me. `communities` means "people in my communities"; until communities
 * exist the server reads it as "people who share a conversation with me" (both accepted members of one).
 */
export const ContactPolicy = z.enum(['everyone', 'communities', 'nobody_new']);
export type ContactPolicy = z.infer<typeof ContactPolicy>;

/** Read receipts and typing are enforced by the device that would send them; the server only keeps the choice. */
export const PrivacySettings = z.strictObject({
  contact: ContactPolicy,
  readReceipts: z.boolean(),
  typing: z.boolean(),
});
export type PrivacySettings = z.infer<typeof PrivacySettings>;

export const DEFAULT_PRIVACY: PrivacySettings = { contact: 'everyone', readReceipts: true, typing: true };

// PUT /api/privacy: the fields given replace the stored ones (at least one).
export const UpdatePrivacyRequest = z
  .strictObject({
    contact: ContactPolicy.optional(),
    readReceipts: z.boolean().optional(),
    typing: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one setting' });
export type UpdatePrivacyRequest = z.infer<typeof UpdatePrivacyRequest>;

/**
 * Entries the sender of a message request may put into its document before the recipient accepts. Entries,
 * not messages: the conversation's opening record and the sender's own read positions count too.
 */
export const REQUEST_ENTRY_CAP = 5;

/**
 * Stands where a deleted account's id stood in what others keep (who sealed an old key envelope). Real ids are
 * 22 characters, so this one can never name a person.
 */
export const DELETED_ACCOUNT_ID = 'deleted-account-0';

/** A deleted account's handle stays taken this long, so no one can pose as the person right after. */
export const HANDLE_HOLD_MS = 30 * 24 * 3600 * 1000;

// GET /api/blocks, POST /api/blocks/:accountId
export const BlockView = z.strictObject({
  accountId: Id,
  handle: Handle,
  displayName: DisplayName,
  blockedAt: z.number().int(),
});
export type BlockView = z.infer<typeof BlockView>;
export const BlockList = z.strictObject({ blocks: z.array(BlockView) });
export type BlockList = z.infer<typeof BlockList>;

// DELETE /api/account — the passphrase auth key proves it is really the person, not a stolen session.
export const DeleteAccountRequest = z.strictObject({ currentAuthKey: b64(32) });
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequest>;

// GET /api/users/by-id/:accountId — resolves an author or former member; a deleted account shows nulls.
export const UserSummary = z.strictObject({
  accountId: Id,
  deleted: z.boolean(),
  handle: Handle.nullable(),
  displayName: DisplayName.nullable(),
  signingPublicKey: b64(32).nullable(),
  boxPublicKey: b64(32).nullable(),
});
export type UserSummary = z.infer<typeof UserSummary>;

// GET /api/account/export-metadata — everything the server holds about the caller, for the data export.
export const MembershipExport = z.strictObject({
  docId: DocId,
  kind: z.string(),
  status: z.enum(['request', 'accepted']),
  addedBy: Id.nullable(),
  joinedAt: z.number().int(),
  joinedEpoch: z.number().int(),
  /** The document's current epoch and sequence number. */
  epoch: z.number().int(),
  seq: z.number().int(),
  /** Epochs for which the server holds a key envelope addressed to the caller. */
  keyEpochs: z.array(z.number().int()),
});
export type MembershipExport = z.infer<typeof MembershipExport>;

export const MetadataExport = z.strictObject({
  exportedAt: z.number().int(),
  account: Account,
  privacy: PrivacySettings,
  sessions: z.array(SessionInfo),
  blocks: z.array(BlockView),
  /** People the caller accepted (their conversations arrive without a request). */
  contacts: z.array(z.strictObject({ accountId: Id, handle: Handle, displayName: DisplayName, acceptedAt: z.number().int() })),
  memberships: z.array(MembershipExport),
  /** Requests the caller declined (the sender was not told). */
  declinedRequests: z.array(z.strictObject({ docId: DocId, declinedAt: z.number().int() })),
});
export type MetadataExport = z.infer<typeof MetadataExport>;
