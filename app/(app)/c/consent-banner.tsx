'use client';
// What consent means for this conversation right now: a request to me (accept, decline or block it), a request
// I sent that waits, or the server refusing my messages (request cap reached, blocked).
import { useRouter } from 'next/navigation';
import type { OpenConversation } from '../../../lib/client/engine/engine';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { ConversationView } from '../../../lib/protocol/api-docs';
import { RequestActions } from '../requests/request-actions';

export function ConsentBanner({
  engine,
  view,
  title,
  conversation,
}: {
  engine: DeviceEngine;
  view: ConversationView;
  title: string;
  conversation: OpenConversation | null;
}) {
  const router = useRouter();
  const refusal = conversation?.refusal() ?? null;
  if (view.request) {
    return (
      <section className="notice request-banner" aria-labelledby="request-heading">
        <h2 id="request-heading" className="small-heading">
          Message request
        </h2>
        <p>
          {view.kind === 'group' ? `You were added to “${title}”.` : `${title} wants to start a conversation with you.`} They
          cannot see that you have read it or are typing. Accept to reply.
        </p>
        <RequestActions
          engine={engine}
          docId={view.id}
          name={title}
          onDone={(outcome) => {
            if (outcome !== 'accepted') router.push('/requests/');
          }}
        />
      </section>
    );
  }
  if (refusal === 'entry.blocked') {
    return (
      <p className="notice warning" role="status">
        You cannot send messages in this conversation. Messages you wrote here since will not be delivered.
      </p>
    );
  }
  if (refusal === 'request.cap_reached') {
    return (
      <p className="notice warning" role="status">
        You can send only a few messages until they accept your request. What you write now stays on this device and is
        sent if they accept.
      </p>
    );
  }
  if (view.awaiting) {
    return (
      <p className="notice info" role="status">
        Waiting for {title} to accept your request. Until then you can send a few messages, and you see no read receipts or
        typing.
      </p>
    );
  }
  return null;
}
