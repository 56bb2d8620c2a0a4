'use client';
// Leaving (anyone but the owner, who hands ownership over first) and deleting the community (the owner only, after
// typing its name). Either way it leaves this device's list; deleting also takes it from every other member.
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { CommunityState } from '../../../lib/client/engine/communities';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { useModalDialog } from '../../_components/use-modal-dialog';

/** How long leaving waits for the signed `leave` record to reach the server before telling it. */
const LEAVE_FLUSH_MS = 10_000;


export function LeaveOrDelete({ engine, state }: { engine: DeviceEngine; state: CommunityState }) {
  const router = useRouter();
  const online = useOnline();
  const titleId = useId();
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useModalDialog(deleting);
  const owner = state.myRole === 'owner';
  const name = state.name || 'Community';

  async function leave() {
    if (busy) return;
    setError(null);
    if (!online) return setError('You need a connection to leave. You are offline.');
    setBusy('Leaving…');
    const left = await engine.communities.leave(state.id, (replica) => replica.flushed(LEAVE_FLUSH_MS));
    if (!left.ok) {
      setBusy(null);
      setConfirmLeave(false);
      return setError(errorText(left.code));
    }
    router.replace('/communities/');
  }

  async function remove() {
    if (busy || typed.trim() !== name.trim()) return;
    setError(null);
    setBusy('Deleting the community…');
    const deleted = await engine.communityAdmin.deleteCommunity(state.id);
    if (!deleted.ok) {
      setBusy(null);
      setDeleting(false);
      return setError(errorText(deleted.code));
    }
    router.replace('/communities/');
  }

  return (
    <section className="card community-exit" aria-labelledby={`${titleId}-exit`}>
      <h2 id={`${titleId}-exit`}>{owner ? 'Leave or delete' : 'Leave'}</h2>
      <ErrorAlert message={error} />
      <StatusNotice busy={busy !== null}>{busy}</StatusNotice>
      {confirmLeave ? (
        owner ? (
          <div className="confirm-box" role="group" aria-labelledby={`${titleId}-leave`}>
            <p id={`${titleId}-leave`}>
              You own this community, so you cannot leave it yet. Make another member the owner first (Make owner, in Members), or
              delete the community.
            </p>
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => setConfirmLeave(false)}>
                OK
              </button>
            </div>
          </div>
        ) : (
          <div className="confirm-box" role="group" aria-labelledby={`${titleId}-leave`}>
            <p id={`${titleId}-leave`}>
              Leave {name}? It leaves your list and you get nothing posted after you leave. The others keep what was already said.
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
        )
      ) : (
        <div className="actions">
          <button type="button" className="button danger" onClick={() => setConfirmLeave(true)}>
            Leave community
          </button>
          {owner ? (
            <button type="button" className="button danger" onClick={() => setDeleting(true)}>
              Delete community
            </button>
          ) : null}
        </div>
      )}
      <dialog ref={dialog} className="dialog confirm-dialog" aria-labelledby={`${titleId}-delete`} onClose={() => setDeleting(false)}>
        <h2 id={`${titleId}-delete`}>Delete {name} for everyone?</h2>
        <p>Every thread and post goes, for every member, and it cannot be undone. Members’ devices forget it too.</p>
        <Field label="Type the community name to confirm" value={typed} autoComplete="off" onChange={(event) => setTyped(event.target.value)} />
        <div className="actions">
          <button type="button" className="button danger" disabled={busy !== null || typed.trim() !== name.trim()} onClick={() => void remove()}>
            Delete community
          </button>
          <button type="button" className="button secondary" autoFocus onClick={() => setDeleting(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}
