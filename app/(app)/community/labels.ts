// The words shown for thread kinds, statuses and roles.
import type { CommunityRoleName, ThreadKind, ThreadStatus } from '../../../lib/docs';

export const KIND_LABEL: Record<ThreadKind, string> = { need: 'Need', offer: 'Offer', discussion: 'Discussion' };
export const STATUS_LABEL: Record<ThreadStatus, string> = { open: 'Open', resolved: 'Resolved' };
export const ROLE_LABEL: Record<CommunityRoleName, string> = { owner: 'Owner', moderator: 'Moderator', member: 'Member' };
export const KINDS: ThreadKind[] = ['need', 'offer', 'discussion'];
export const STATUSES: ThreadStatus[] = ['open', 'resolved'];
