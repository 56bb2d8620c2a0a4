'use client';
// Who is in the conversation, and the membership changes: add and remove (groups), leave (any).
// Removing someone rotates the key at once: they cannot read anything written afterwards.
import { useModalDialog } from '../../_components/use-modal-dialog';
import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { normalizeHandle } from '../../../lib/client/account';
import type { ClientErrorCode } from '../../../lib/client/client-errors';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { OpenConversation } from '../../../lib/client/engine/engine';
import { Handle } from '../../../lib/protocol/api';
import type { ConversationView } from '../../../lib/protocol/api-docs';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { GroupHistory } from './group-history';
import { MemberSafety } from './member-safety';
import { RenameForm } from './rename-form';

/** How long leaving waits for the signed `leave` record to reach the server before telling it. */
const LEAVE_FLUSH_MS = 10_000;

function membershipErrorText(code: ClientErrorCode, action: string, handle = ''): string {
  switch (code) {
    case 'account.not_found':
      return `No account with handle ${handle}. Check the spelling with them.`;
    case 'network.offline':
      return `You need a connection to ${action}. You are offline.`;
    case 'doc.too_many_members':
      return 'A group has at most 50 members, you included.';
    case 'doc.wrong_epoch':
      return 'Someone changed this conversation at the same moment. Try again.';
    default:
      return errorText(code);
  }
}


/** You first, then the others by name. */
function sortedMembers(view: ConversationView, myId: string): ConversationView['members'] {
  const name = (m: ConversationView['members'][number]) => m.displayName ?? '';
  return [...view.members].sort((a, b) => (a.accountId === myId ? -1 : b.accountId === myId ? 1 : name(a).localeCompare(name(b))));
}

export function MembersDialog({
  engine,
  view,
  conversation,
  open,
  onClose,
  onVerified = () => undefined,
}: {
  engine: DeviceEngine;
  view: ConversationView;
  conversation: OpenConversation | null;
  open: boolean;
  onClose: () => void;
  onVerified?: () => void;
}) {
  const router = useRouter();
  const online = useOnline();
  const titleId = useId();
  const dialog = useModalDialog(open);
  const [handle, setHandle] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const isGroup = view.kind === 'group';


  function reset(): void {
    setError(null);
    setDone(null);
    setConfirmLeave(false);
  }

  async function add(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (busy) return;
    reset();
    const wanted = normalizeHandle(handle);
    if (!Handle.safeParse(wanted).success) return setError(`“${handle.trim()}” is not a handle: handles are 3 to 32 lowercase letters, digits or underscores.`);
    if (view.members.some((m) => m.handle === wanted)) return setError(`${wanted} is already in this conversation.`);
    if (!online) return setError(membershipErrorText('network.offline', 'add someone'));
    setBusy('Adding…');
    const result = await engine.conversations.addMember(view.id, wanted);
    setBusy(null);
    if (!result.ok) return setError(membershipErrorText(result.code, 'add someone', wanted));
    setHandle('');
    setDone(`Added ${wanted}. They can read messages written from now on.`);
  }

  async function remove(accountId: string, name: string): Promise<void> {
    if (busy) return;
    reset();
    if (!online) return setError(membershipErrorText('network.offline', 'remove someone'));
    setBusy(`Removing ${name}…`);
    const result = await engine.conversations.removeMember(view.id, accountId);
    setBusy(null);
    if (!result.ok) return setError(membershipErrorText(result.code, 'remove someone'));
    setDone(`Removed ${name}. They will not see anything written from now on.`);
  }

  async function leave(): Promise<void> {
    if (busy) return;
    setError(null);
    if (!online) return setError(membershipErrorText('network.offline', 'leave'));
    setBusy('Leaving…');
    const result = await engine.conversations.leave(view.id, (replica) => replica.flushed(LEAVE_FLUSH_MS));
    if (!result.ok) {
      setBusy(null);
      setConfirmLeave(false);
      return setError(membershipErrorText(result.code, 'leave'));
    }
    onClose();
    router.replace('/home/');
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-header">
        <h2 id={titleId}>Members</h2>
        <button type="button" className="button ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      <ul className="member-list" aria-label="Members">
        {sortedMembers(view, engine.accountId).map((member) => {
          const me = member.accountId === engine.accountId;
          const name = member.displayName ?? 'Deleted account';
          const nameId = `${titleId}-${member.accountId}`;
          return (
            <li key={member.accountId} className="member">
              <span className="member-text">
                <span id={nameId} className="member-name">
                  {name}
                  {me ? <span className="badge">You</span> : null}
                </span>
                <span className="muted small">{member.handle ? `@${member.handle}` : 'no handle'}</span>
                {me || !open ? null : <MemberSafety engine={engine} docId={view.id} accountId={member.accountId} name={name} signingKey={member.signingPublicKey} onVerified={onVerified} />}
              </span>
              {isGroup && !me ? (
                <button
                  type="button"
                  className="button danger small"
                  aria-describedby={nameId}
                  disabled={busy !== null || conversation === null}
                  onClick={() => void remove(member.accountId, name)}
                >
                  Remove
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>

      {isGroup && open ? (
        <RenameForm conversation={conversation} title={engine.conversations.list().find((c) => c.id === view.id)?.title ?? ''} />
      ) : null}
      {isGroup ? (
        <form className="inline-form add-member" onSubmit={add} noValidate aria-labelledby={`${titleId}-add`}>
          <h3 id={`${titleId}-add`}>Add someone</h3>
          <Field
            label="Handle"
            hint="Someone added reads what is written from then on."
            value={handle}
            onChange={(event) => setHandle(event.target.value)}
            autoCapitalize="none"
            autoCorrect="off"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit" className="button secondary" disabled={busy !== null || conversation === null}>
            Add member
          </button>
        </form>
      ) : (
        <p className="muted small">This is a conversation between two people. To talk with more, start a group.</p>
      )}

      <ErrorAlert message={error} />
      <StatusNotice busy={busy !== null}>{busy ?? done}</StatusNotice>
      {open && isGroup ? <GroupHistory engine={engine} docId={view.id} members={view.members.length} /> : null}

      <div className="dialog-footer">
        {confirmLeave ? (
          <div className="confirm-box" role="group" aria-labelledby={`${titleId}-leave`}>
            <p id={`${titleId}-leave`}>
              Leave this conversation? It leaves your list and you get nothing written after you leave. The others keep
              what was already said.
            </p>
            <div className="actions">
              <button type="button" className="button danger" disabled={busy !== null} onClick={() => void leave()}>
                Yes, leave
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirmLeave(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button type="button" className="button danger" disabled={conversation === null} onClick={() => setConfirmLeave(true)}>
            Leave conversation
          </button>
        )}
      </div>
    </dialog>
  );
}
