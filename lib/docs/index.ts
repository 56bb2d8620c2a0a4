// lib/docs: the inner Yjs document models. Plain documents, no encryption or sockets (that is the engine's);
// runs anywhere. Clock and randomness come in as arguments.
export type { DocsErrorCode } from './docs-errors';
export { DOCS_ERROR_CODES } from './docs-errors';
export { MessageId, MemberKey, memberKeyOf, memberKeyBytes, newMessageId, isWellFormedText } from './ids';
export {
  MAX_BODY_LENGTH,
  MAX_EMOJI_LENGTH,
  MAX_GROUP_MEMBERS,
  MAX_TITLE_LENGTH,
  ConversationKind,
  DocId,
  Body,
  Emoji,
  Title,
  MessageRecord,
  Tombstone,
  MessageEntry,
  EditRecord,
  ReactionRecord,
  ReadRecord,
  Member,
  MembershipAction,
  MembershipRecord,
  comparePositions,
  compareSignatures,
  compareEdits,
} from './records';
export type { Position } from './records';
export { FORMAT_VERSION, conversationParts } from './layout';
export type { ConversationParts } from './layout';
export { ConversationMeta, readMeta } from './meta';
export { initConversation, setTitle } from './conversation';
export type { InitConversationOptions } from './conversation';
export {
  MESSAGE_CONTEXT,
  MEMBERSHIP_CONTEXT,
  messagePayload,
  tombstonePayload,
  editPayload,
  reactionPayload,
  readPayload,
  membershipPayload,
  signMessage,
  signTombstone,
  signEdit,
  signReaction,
  signRead,
  signMembership,
  verifyMessage,
  verifyTombstone,
  verifyEdit,
  verifyReaction,
  verifyRead,
  verifyMembership,
} from './signatures';
export type { VerifyOptions, UnsignedMessage, UnsignedTombstone, UnsignedEdit, UnsignedReaction, UnsignedRead, UnsignedMembership } from './signatures';
export { CacheScope, VerificationCacheEntry, createVerificationCache, signatureKey } from './verification-cache';
export type { VerificationCache, VerificationCacheOptions } from './verification-cache';
export { appendMessage, editMessage, deleteMessage, react, markRead, collectGarbage } from './message-writers';
export type { AppendMessageOptions, EditMessageOptions, DeleteMessageOptions, ReactOptions, MarkReadOptions } from './message-writers';
export { listMessages, getMessage, countMessages, lastMessagePreview } from './list-messages';
export type { MessageView, MessagePreview, ReactionSummary, ListMessagesOptions, MalformedPart } from './list-messages';
export { readPositions, countUnread } from './read-positions';
export { foldMembership, readMembership, addMembershipRecord } from './membership';
export type { MembershipState, FoldOptions, ReadMembershipOptions, MembershipWrite } from './membership';
export {
  COMMUNITY_ROLE_CONTEXT,
  CommunityRoleName,
  RoleAction,
  RoleRecord,
  roleRecordPayload,
  signRoleRecord,
  foldRoles,
} from './community-roles';
export type { CommunityRoster, FoldRolesOptions, RoleRejection, UnsignedRoleRecord } from './community-roles';
export {
  COMMUNITY_FORMAT_VERSION,
  CommunityName,
  Channel,
  ChannelId,
  ThreadKind,
  ThreadStatus,
  ThreadIndexEntry,
  HistoryVisibility,
  readHistorySetting,
  setHistoryVisibility,
  communityParts,
  initCommunity,
  appendRoleRecord,
  readChannels,
  addChannel,
  addThreadEntry,
  setThreadStatus,
  touchThread,
  listThreads,
} from './community';
export type {
  CommunityDocError,
  CommunityParts,
  FoldedRoles,
  HistorySetting,
  InitCommunityOptions,
  AddThreadOptions,
  ListThreadsOptions,
  ReadSettingsOptions,
} from './community';
export {
  COMMUNITY_HISTORY_CONTEXT,
  DEFAULT_HISTORY,
  HistoryRecord,
  THREAD_STATUS_CONTEXT,
  ThreadStatusRecord,
  historyPayload,
  signHistory,
  signThreadStatus,
  threadStatusPayload,
  verifyHistory,
  verifyThreadStatus,
} from './community-settings';
export { FOUNDING_CHANNEL_ID, SignedChannel, addSignedChannel, everModerators, verifiedChannels } from './community-channels';
