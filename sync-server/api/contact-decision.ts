// Whether a person may put someone into a conversation, and on what footing: as an accepted member, as a
// message request, or not at all. The refused sender learns only `conversation.cannot_start`.
import type { PrivacyRepo } from '../db/privacy-repo';

export type ContactDecision =
  | { ok: true; status: 'accepted' | 'request' }
  | { ok: false; code: 'conversation.cannot_start' | 'conversation.blocked_by_you' };

export function decideContact(privacy: PrivacyRepo, recipientId: string, senderId: string): ContactDecision {
  if (privacy.isBlocked(recipientId, senderId)) return { ok: false, code: 'conversation.cannot_start' };
  if (privacy.isBlocked(senderId, recipientId)) return { ok: false, code: 'conversation.blocked_by_you' };
  // Someone the recipient accepted before reaches them whatever the setting: the setting is about new people.
  if (privacy.hasAccepted(recipientId, senderId)) return { ok: true, status: 'accepted' };
  switch (privacy.settings(recipientId).contact) {
    case 'everyone':
      return { ok: true, status: 'request' };
    case 'communities':
      // Both accepted members of one community; sharing a conversation still counts too, as it did before
      // communities existed, so nobody who could reach someone loses that.
      return privacy.sharedConversation(recipientId, senderId, ['direct', 'group', 'community'])
        ? { ok: true, status: 'request' }
        : { ok: false, code: 'conversation.cannot_start' };
    case 'nobody_new':
      return { ok: false, code: 'conversation.cannot_start' };
  }
}

/**
 * Decides for several people at once. A single refusal refuses the whole step, with the code of the first
 * refusal, so the sender cannot tell which person said no (a block and a setting look the same).
 */
export function decideContacts(
  privacy: PrivacyRepo,
  recipientIds: string[],
  senderId: string,
): { ok: true; requests: string[]; accepted: string[] } | { ok: false; code: 'conversation.cannot_start' | 'conversation.blocked_by_you' } {
  const requests: string[] = [];
  const accepted: string[] = [];
  let refusal: 'conversation.cannot_start' | 'conversation.blocked_by_you' | null = null;
  for (const id of recipientIds) {
    const decision = decideContact(privacy, id, senderId);
    if (!decision.ok) {
      // The sender's own blocks are theirs to know; anyone else's refusal stays anonymous.
      if (decision.code === 'conversation.blocked_by_you') return decision;
      refusal = decision.code;
      continue;
    }
    (decision.status === 'request' ? requests : accepted).push(id);
  }
  return refusal !== null ? { ok: false, code: refusal } : { ok: true, requests, accepted };
}
