// Message requests: the recipient accepts, declines (the sender is told nothing and sees no change) or blocks.
// A request is a conversation whose membership row for the caller has status 'request'.
import type { Auth } from '../auth/authenticate';
import { conversationView, memberOf } from './conversations';
import type { ApiDeps } from './deps';
import { refuse, reply, sessionRoute, type ApiReply } from './route';

export function requestsRoutes(deps: ApiDeps) {
  const { privacy, documents } = deps.repos;

  /** The caller's pending request in this conversation, or the reply that refuses. */
  const pendingRequest = (rawId: string | undefined, auth: Auth): { ok: true; docId: string; addedBy: string | null } | { ok: false; reply: ApiReply } => {
    const member = memberOf(deps, rawId, auth);
    if (!member.ok) return member;
    const row = privacy.membership(member.docId, auth.account.id);
    if (!row || row.status !== 'request') return { ok: false, reply: refuse('request.not_pending') };
    return { ok: true, docId: member.docId, addedBy: row.addedBy };
  };

  /** Leaves the request: the caller's sockets on it close and their devices drop it; nobody else hears. */
  const decline = (docId: string, accountId: string): void => {
    deps.repos.transaction(() => privacy.decline(docId, accountId, deps.clock.now()));
    deps.sync.evict(accountId, docId, 4403, 'doc.not_member');
    deps.events.membershipChanged(accountId, docId);
  };

  return [
    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/accept',
      body: null,
      handle: ({ params }, auth) => {
        const member = memberOf(deps, params.id, auth);
        if (!member.ok) return member.reply;
        const { docId } = member;
        const row = privacy.membership(docId, auth.account.id);
        // Accepting twice is harmless: the second time changes nothing.
        if (row?.status === 'request') {
          const now = deps.clock.now();
          // Whoever was held to the request cap here is no longer: their devices must hear (no longer `awaiting`).
          const waiting = privacy
            .memberRows(docId)
            .filter((m) => m.accountId !== auth.account.id && privacy.writePolicy(docId, m.accountId).kind === 'capped');
          deps.repos.transaction(() => {
            privacy.setStatus(docId, [auth.account.id], 'accepted');
            // Accepting a one-to-one request accepts its sender: their next conversation is no request.
            if (documents.find(docId)?.kind === 'direct' && row.addedBy !== null) privacy.accept(auth.account.id, row.addedBy, now);
          });
          for (const accountId of [auth.account.id, ...waiting.map((m) => m.accountId)]) deps.events.membershipChanged(accountId, docId);
        }
        return reply(200, conversationView(deps, docId, auth.account.id));
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/decline',
      body: null,
      handle: ({ params }, auth) => {
        const pending = pendingRequest(params.id, auth);
        if (!pending.ok) return pending.reply;
        decline(pending.docId, auth.account.id);
        return reply(200, { ok: true });
      },
    }),

    sessionRoute({
      method: 'POST',
      pattern: '/api/conversations/:id/block',
      body: null,
      handle: ({ params }, auth) => {
        const pending = pendingRequest(params.id, auth);
        if (!pending.ok) return pending.reply;
        // The block is on whoever put the caller into it (the creator, or the member who added them).
        if (pending.addedBy !== null && pending.addedBy !== auth.account.id) {
          privacy.block(auth.account.id, pending.addedBy, deps.clock.now());
        }
        decline(pending.docId, auth.account.id);
        return reply(200, { ok: true });
      },
    }),
  ];
}
