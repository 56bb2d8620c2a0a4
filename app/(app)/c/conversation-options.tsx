'use client';
// Per-conversation controls of this device: mute, archive, block (one-to-one), and "Delete my copy". Leaving
// is under Members. Mute and archive stay on this device; a block is enforced by the server.
import { useModalDialog } from '../../_components/use-modal-dialog';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { ConversationView } from '../../../lib/protocol/api-docs';
import { ErrorAlert } from '../../_components/notice';
import { errorText } from '../../_components/error-text';
import { usePrivacy } from '../settings/use-privacy';

export function ConversationOptions({ engine, view, title }: { engine: DeviceEngine; view: ConversationView; title: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const panelId = useId();
  const local = useLocalPrefs(engine, view.id);
  const privacy = usePrivacy(engine);
  const other = view.kind === 'direct' ? view.members.find((m) => m.accountId !== engine.accountId) : undefined;
  const blocked = other !== undefined && privacy.blocks.some((b) => b.accountId === other.accountId);

  async function toggleBlock(): Promise<void> {
    if (!other) return;
    setError(null);
    const result = blocked ? await engine.privacy.unblock(other.accountId) : await engine.privacy.block(other.accountId);
    if (!result.ok) setError(errorText(result.code));
  }

  return (
    <div className="conversation-options">
      <button type="button" className="button secondary small" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        Options
      </button>
      <div id={panelId} className={open ? 'options-panel' : 'options-panel hidden'} role="group" aria-label="Conversation options">
        {open ? (
          <>
            <button type="button" className="button ghost small" aria-pressed={local.muted === true} onClick={() => engine.conversations.setLocal(view.id, { muted: local.muted ? undefined : true })}>
              {local.muted ? 'Unmute' : 'Mute'}
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => {
                engine.conversations.setLocal(view.id, { archived: local.archived ? undefined : true });
                if (!local.archived) router.push('/home/');
              }}
            >
              {local.archived ? 'Unarchive' : 'Archive'}
            </button>
            {other && other.displayName !== null ? (
              <button type="button" className="button ghost small" onClick={() => void toggleBlock()}>
                {blocked ? `Unblock ${other.displayName}` : 'Block'}
              </button>
            ) : null}
            <button type="button" className="button ghost small danger-text" onClick={() => setConfirming(true)}>
              Delete my copy
            </button>
          </>
        ) : null}
      </div>
      {blocked && other ? (
        <p className="notice warning small" role="status">
          You blocked {other.displayName ?? 'this person'}: they cannot send you messages, see your typing or read receipts, or
          invite you.
        </p>
      ) : null}
      <ErrorAlert message={error} />
      <DeleteCopyDialog
        open={confirming}
        title={title}
        onCancel={() => setConfirming(false)}
        onConfirm={async () => {
          setConfirming(false);
          // Off the screen first: the conversation must be closed before its storage goes.
          router.push('/home/');
          const result = await engine.deleteLocalCopy(view.id);
          if (!result.ok) setError(errorText(result.code));
        }}
      />
    </div>
  );
}

function useLocalPrefs(engine: DeviceEngine, docId: string) {
  const [local, setLocal] = useState(() => engine.conversations.local(docId));
  useEffect(() => {
    setLocal(engine.conversations.local(docId));
    return engine.conversations.subscribe(() => setLocal(engine.conversations.local(docId)));
  }, [engine, docId]);
  return local;
}

function DeleteCopyDialog({ open, title, onCancel, onConfirm }: { open: boolean; title: string; onCancel(): void; onConfirm(): Promise<void> }) {
  const titleId = useId();
  const dialog = useModalDialog(open);
  return (
    <dialog ref={dialog} className="dialog confirm-dialog" aria-labelledby={titleId} onClose={onCancel}>
      <h2 id={titleId}>Delete your copy of “{title}”?</h2>
      <p>
        The messages are removed from this device only. You stay in the conversation: the others keep their copies, and it
        comes back here, without the older messages, when someone writes again.
      </p>
      <div className="actions">
        <button type="button" className="button danger" onClick={() => void onConfirm()}>
          Delete my copy
        </button>
        <button type="button" className="button secondary" autoFocus onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
