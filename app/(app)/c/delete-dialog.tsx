'use client';
// Asks before deleting: a deleted message is gone from every member's device, for good.
import { useModalDialog } from '../../_components/use-modal-dialog';
import { useId } from 'react';
import type { ListedMessage } from './message-surface';

export function DeleteDialog({ message, onCancel, onConfirm }: { message: ListedMessage | null; onCancel(): void; onConfirm(): Promise<void> }) {
  const titleId = useId();
  const open = message !== null;
  const dialog = useModalDialog(open);


  return (
    <dialog ref={dialog} className="dialog confirm-dialog" aria-labelledby={titleId} onClose={onCancel}>
      <h2 id={titleId}>Delete this message?</h2>
      <p>It is removed for everyone in the conversation. They see “Message deleted” instead.</p>
      {message?.body ? <blockquote className="quote-text">{message.body.length > 200 ? `${message.body.slice(0, 199)}…` : message.body}</blockquote> : null}
      <div className="actions">
        <button type="button" className="button danger" onClick={() => void onConfirm()}>
          Delete
        </button>
        <button type="button" className="button secondary" autoFocus onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
