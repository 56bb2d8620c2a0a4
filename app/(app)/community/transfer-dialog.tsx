'use client';
// Asks before handing ownership over: it cannot be taken back, only given back by the new owner.
import { useId } from 'react';
import { useModalDialog } from '../../_components/use-modal-dialog';

export function TransferDialog({
  to,
  community,
  onCancel,
  onConfirm,
}: {
  to: { name: string } | null;
  community: string;
  onCancel(): void;
  onConfirm(): Promise<void>;
}) {
  const titleId = useId();
  const dialog = useModalDialog(to !== null);
  return (
    <dialog ref={dialog} className="dialog confirm-dialog" aria-labelledby={titleId} onClose={onCancel}>
      <h2 id={titleId}>Make {to?.name ?? 'them'} the owner?</h2>
      <p>
        {to?.name ?? 'They'} will own {community}: they decide who moderates, and only they can delete it. You become a moderator, and
        only the new owner can give ownership back.
      </p>
      <div className="actions">
        <button type="button" className="button primary" onClick={() => void onConfirm()}>
          Make owner
        </button>
        <button type="button" className="button secondary" autoFocus onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
