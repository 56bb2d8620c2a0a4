// Conversations: create, list, add and remove members, leave, rotate the epoch key.
// The server routes and enforces membership; keys arrive already boxed to each member, records already signed.
// Who may put whom into a conversation (requests, blocks, contact settings) is decided in contact-decision.
import {
  AddMembersRequest,
  CreateConversationRequest,
  DocId,
  MAX_GROUP_MEMBERS,
  RemoveMemberRequest,
  RotateRequest,
  type ConversationView,
  type KeyEnvelopeUpload,
} from '../../lib/protocol/api-docs';
import { fromBase64url, toBase64url } from '../../lib/protocol/base64url';
import { verifyKeyEnvelope } from '../../lib/protocol/key-envelope';
import type { Auth } from '../auth/authenticate';
import { parse } from '../http/parse';
import { decideContacts } from './contact-decision';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute, type ApiReply } from './route';

const CONVERSATION_KINDS = ['direct', 'group'];

const bytes = (text: string): Uint8Array => {
  const decoded = fromBase64url(text);
  // The schemas checked every base64url value already; a failure here is a bug.
  if (decoded === null) throw new Error('base64url value passed validation but does not decode');
  return decoded;
};

/**
 * Each key envelope must be addressed to its recipient's signing key, for this document and epoch, and
 * signed by the uploader: a member cannot slip another sender's (or a stale) envelope to someone.
 */
export async function envelopesVerify(deps: ApiDeps, docId: string, epoch: number, sender: Uint8Array, uploads: KeyEnvelopeUpload[]): Promise<boolean> {
  for (const upload of uploads) {
    const recipient = deps.repos.accounts.signingKey(upload.recipientId);
    if (!recipient) return false;
    const checked = await verifyKeyEnvelope(bytes(upload.envelope), {
      verifier: deps.signatures,
      expectedDocId: docId,
      expectedEpoch: epoch,
      expectedRecipient: recipient,
      expectedSender: sender,
    });
    if (!checked.ok) return false;
  }
  return true;
}

/** Envelopes must name exactly the expected recipients, each once. */
export function coversExactly(envelopes: KeyEnvelopeUpload[], recipients: string[]): boolean {
  const named = new Set(envelopes.map((e) => e.recipientId));
  return named.size === envelopes.length && named.size === recipients.length && recipients.every((r) => named.has(r));
}

/**
 * Like coversExactly, but envelopes for people who declined a request are allowed too: the other members still
 * see them as members and seal keys for them. Those envelopes are checked, then dropped, not stored.
 */
function coversMembers(envelopes: KeyEnvelopeUpload[], members: string[], declined: string[]): KeyEnvelopeUpload[] | null {
  const kept = envelopes.filter((e) => !declined.includes(e.recipientId));
  const extra = envelopes.filter((e) => declined.includes(e.recipientId));
  if (new Set(extra.map((e) => e.recipientId)).size !== extra.length) return null;
  return coversExactly(kept, members) ? kept : null;
}

export function conversationView(deps: ApiDeps, docId: string, viewerId: string): ConversationView | undefined {
  const { documents, privacy } = deps.repos;
  const doc = documents.find(docId);
  if (!doc || !CONVERSATION_KINDS.includes(doc.kind)) return undefined;
  const rows = privacy.memberRows(docId);
  // Someone who declined still shows, exactly where they were, to everyone but themselves.
  const members = [...rows, ...privacy.declinedMembers(docId).filter((d) => d.accountId !== viewerId)].sort(
    (x, y) => x.joinedAt - y.joinedAt || (x.accountId < y.accountId ? -1 : x.accountId > y.accountId ? 1 : 0),
  );
  const pending = rows.some((m) => m.accountId === viewerId && m.status === 'request');
  const awaiting = !pending && privacy.writePolicy(docId, viewerId).kind === 'capped';
  return {
    id: doc.id,
    kind: doc.kind as 'direct' | 'group',
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    epoch: doc.epoch,
    rotationNeeded: doc.rotationNeeded,
    seq: doc.seq,
    updatedAt: doc.updatedAt,
    // A deleted account shows with null fields: "Deleted account".
    members: members.map((m) => ({
      accountId: m.accountId,
      handle: m.deleted ? null : m.handle,
      displayName: m.deleted ? null : m.displayName,
      signingPublicKey: m.deleted ? null : toBase64url(m.signingPublicKey),
      boxPublicKey: m.deleted ? null : toBase64url(m.boxPublicKey),
      joinedEpoch: m.joinedEpoch,
    })),
    keyEnvelopes: documents
      .keyEnvelopesFor(docId, viewerId)
      .map((e) => ({ epoch: e.epoch, senderId: e.senderId, envelope: toBase64url(e.envelope) })),
    ...(pending ? { request: true as const } : {}),
    ...(awaiting ? { awaiting: true as const } : {}),
  };
}

export const decodeEnvelopes = (uploads: KeyEnvelopeUpload[]) => uploads.map((e) => ({ recipientId: e.recipientId, envelope: bytes(e.envelope) }));

/** A group the caller belongs to (members are added and removed only in groups). */
function groupOf(deps: ApiDeps, rawId: string | undefined, auth: Auth) {
  const member = memberOf(deps, rawId, auth);
  if (!member.ok) return member;
  const doc = deps.repos.documents.find(member.docId)!;
  if (doc.kind !== 'group') return { ok: false as const, reply: refuse('doc.not_a_group') };
  return { ok: true as const, docId: member.docId, doc };
}

/** Loads a conversation the caller belongs to; a non-member learns nothing, not even that it exists. */
export function memberOf(deps: ApiDeps, rawId: string | undefined, auth: Auth): { ok: true; docId: string } | { ok: false; reply: ApiReply } {
  const id = parse(DocId, rawId);
  if (!id.ok) return { ok: false, reply: refuse('doc.not_found') };
  const doc = deps.repos.documents.find(id.value);
  if (!doc || !CONVERSATION_KINDS.includes(doc.kind) || !deps.repos.documents.isMember(id.value, auth.account.id)) {
    return { ok: false, reply: refuse('doc.not_found') };
  }
  return { ok: true, docId: id.value };
}

export function conversationsRoutes(deps: ApiDeps) {
  const { documents, accounts, privacy } = deps.repos;
  const notifyMembership = (docId: string, accountIds: Iterable<string>) => {
    for (const accountId of accountIds) deps.events.membershipChanged(accountId, docId);
  };

  return [
    sessionRoute({
      method: 'GET',
      pattern: '/api/conversations',
      body: null,
      handle: (_req, auth) => {
        const conversations = documents
          .listFor(auth.account.id, CONVERSATION_KINDS)
          .map((doc) => conversationView(deps, doc.id, auth.account.id))
          .filter((c): c is ConversationView => c !== undefined);
        return reply(200, { conversations });
      },
    }),

    sessionRoute({
      method: 'GET',
      pattern: '/api/conversations/:id',
      body: null,
      handle: ({ params }, auth) => {
        const member = memberOf(deps, params.id, auth);
        if (!member.ok) return member.reply;
        return reply(200, conversationView(deps, member.docId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations',
      body: CreateConversationRequest,
      handle: async ({ body }, auth) => {
        const me = auth.account.id;
        const others = [...new Set(body.memberIds)].filter((id) => id !== me);
        if (others.length !== body.memberIds.length) return refuse('request.invalid');
        if (body.kind === 'direct' && others.length !== 1) return refuse('request.invalid');
        if (others.some((id) => accounts.findById(id) === undefined)) return refuse('account.not_found');
        const members = [me, ...others];
        if (!coversExactly(body.keyEnvelopes, members)) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, body.id, 0, auth.account.signingPublicKey, body.keyEnvelopes))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const created = deps.repos.transaction(() => {
          // Decided inside the transaction, so a block or a setting changed meanwhile is seen.
          const decided = decideContacts(privacy, others, me);
          if (!decided.ok) return decided;
          const made = documents.create(
            { id: body.id, kind: body.kind, createdBy: me, now },
            members,
            decodeEnvelopes(body.keyEnvelopes),
          );
          if (!made) return { ok: false as const, code: 'doc.exists' as const };
          privacy.setStatus(body.id, decided.requests, 'request');
          // Writing to someone one-to-one accepts them: their answer in a new conversation is no request.
          if (body.kind === 'direct') for (const id of others) privacy.accept(me, id, now);
          return { ok: true as const };
        });
        if (!created.ok) return refuse(created.code);
        notifyMembership(body.id, members);
        return reply(201, conversationView(deps, body.id, me));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/members',
      body: AddMembersRequest,
      handle: async ({ params, body }, auth) => {
        const group = groupOf(deps, params.id, auth);
        if (!group.ok) return group.reply;
        const { docId, doc } = group;
        const current = new Set(documents.memberIds(docId));
        const added = [...new Set(body.memberIds)];
        if (added.length !== body.memberIds.length || added.some((id) => current.has(id))) return refuse('request.invalid');
        if (added.some((id) => accounts.findById(id) === undefined)) return refuse('account.not_found');
        if (current.size + added.length > MAX_GROUP_MEMBERS) return refuse('doc.too_many_members');
        if (!coversExactly(body.keyEnvelopes, added)) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, docId, doc.epoch, auth.account.signingPublicKey, body.keyEnvelopes))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        const done = deps.repos.transaction(() => {
          // Adding someone is reaching out to them: the same consent rules as starting a conversation.
          const decided = decideContacts(privacy, added, auth.account.id);
          if (!decided.ok) return decided;
          privacy.forgetDeclined(docId, added);
          documents.addMembers(docId, added, auth.account.id, doc.epoch, now);
          privacy.setStatus(docId, decided.requests, 'request');
          documents.putKeyEnvelopes(docId, doc.epoch, auth.account.id, decodeEnvelopes(body.keyEnvelopes), now);
          documents.touch(docId, now);
          return { ok: true as const };
        });
        if (!done.ok) return refuse(done.code);
        notifyMembership(docId, [...current, ...added]);
        return reply(200, conversationView(deps, docId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/remove',
      body: RemoveMemberRequest,
      handle: async ({ params, body }, auth) => {
        const group = groupOf(deps, params.id, auth);
        if (!group.ok) return group.reply;
        const { docId, doc } = group;
        if (body.accountId === auth.account.id) return refuse('request.invalid');
        const current = documents.memberIds(docId);
        const declined = privacy.declinedIds(docId);
        // Removing someone who declined works as it did before they declined: nobody learns of the decline.
        if (!current.includes(body.accountId) && !declined.includes(body.accountId)) return refuse('doc.not_found');
        const remaining = current.filter((id) => id !== body.accountId);
        if (body.rotation.epoch !== doc.epoch + 1) return refuse('doc.wrong_epoch');
        const kept = coversMembers(body.rotation.keyEnvelopes, remaining, declined.filter((id) => id !== body.accountId));
        if (kept === null) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, docId, body.rotation.epoch, auth.account.signingPublicKey, body.rotation.keyEnvelopes))) {
          return refuse('doc.bad_key_envelope');
        }
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          documents.removeMember(docId, body.accountId);
          privacy.forgetDeclined(docId, [body.accountId]);
          documents.putKeyEnvelopes(docId, body.rotation.epoch, auth.account.id, decodeEnvelopes(kept), now);
          documents.setEpoch(docId, body.rotation.epoch, false, now);
        });
        // The removed member's open sockets on this document end now; it reads nothing written after.
        deps.sync.evict(body.accountId, docId, 4403, 'doc.not_member');
        notifyMembership(docId, current);
        return reply(200, conversationView(deps, docId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/leave',
      body: null,
      handle: ({ params }, auth) => {
        const member = memberOf(deps, params.id, auth);
        if (!member.ok) return member.reply;
        const { docId } = member;
        const current = documents.memberIds(docId);
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          documents.removeMember(docId, auth.account.id);
          documents.markRotationNeeded(docId, now);
        });
        deps.sync.evict(auth.account.id, docId, 4403, 'doc.not_member');
        notifyMembership(docId, current);
        return reply(200, { ok: true });
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/epochs',
      body: RotateRequest,
      handle: async ({ params, body }, auth) => {
        const member = memberOf(deps, params.id, auth);
        if (!member.ok) return member.reply;
        const { docId } = member;
        const doc = documents.find(docId)!;
        if (body.epoch !== doc.epoch + 1) return refuse('doc.wrong_epoch');
        const current = documents.memberIds(docId);
        const kept = coversMembers(body.keyEnvelopes, current, privacy.declinedIds(docId));
        if (kept === null) return refuse('doc.key_envelopes_mismatch');
        if (!(await envelopesVerify(deps, docId, body.epoch, auth.account.signingPublicKey, body.keyEnvelopes))) return refuse('doc.bad_key_envelope');
        const now = deps.clock.now();
        deps.repos.transaction(() => {
          documents.putKeyEnvelopes(docId, body.epoch, auth.account.id, decodeEnvelopes(kept), now);
          documents.setEpoch(docId, body.epoch, false, now);
        });
        notifyMembership(docId, current);
        return reply(200, conversationView(deps, docId, auth.account.id));
      },
    }),
  ];
}
