'use client';
// Start a conversation: one handle makes a direct conversation, several (or a group name) make a group.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { StartFailure } from '../../../lib/client/start-conversation';
import type { ClientErrorCode } from '../../../lib/client/client-errors';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field } from '../../_components/field';
import { FormFooter } from '../../_components/form-footer';

export const OFFLINE_START = 'You need a connection to start a conversation. You are offline; your conversations stay readable here.';

export function startErrorText(failure: { code: ClientErrorCode; handle?: string }): string {
  const handle = failure.handle ?? '';
  switch (failure.code) {
    case 'account.not_found':
      return handle ? `No account with handle ${handle}. Check the spelling with them.` : 'One of those handles has no account.';
    case 'input.handle_invalid':
      return `“${handle}” is not a handle: handles are 3 to 32 lowercase letters, digits or underscores.`;
    case 'input.handles_empty':
      return 'Enter the handle of the person you want to talk to.';
    case 'input.only_own_handle':
      return 'That is your own handle. Enter the handle of the person you want to talk to.';
    case 'input.title_invalid':
      return 'Keep the group name between 1 and 100 characters.';
    case 'doc.too_many_members':
      return 'A group has at most 50 members, you included.';
    case 'network.offline':
      return OFFLINE_START;
    default:
      return errorText(failure.code);
  }
}

export function NewConversationForm({ engine, onCancel }: { engine: DeviceEngine; onCancel: () => void }) {
  const router = useRouter();
  const online = useOnline();
  const [handles, setHandles] = useState('');
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<StartFailure | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFailure(null);
    const result = await engine.startConversation({ handles, title });
    if (result.ok) {
      router.push(`/c/?id=${encodeURIComponent(result.value)}`);
      return;
    }
    setBusy(false);
    setFailure(result);
  }

  const handleError = failure && ['account.not_found', 'input.handle_invalid', 'input.handles_empty', 'input.only_own_handle'].includes(failure.code);
  return (
    <form className="card new-conversation" onSubmit={submit} noValidate aria-label="New conversation">
      <h2>New conversation</h2>
      {online ? null : <p className="notice warning">{OFFLINE_START}</p>}
      <Field
        label="Handle"
        hint="One or more handles, separated by commas. More than one makes a group."
        value={handles}
        onChange={(event) => setHandles(event.target.value)}
        autoCapitalize="none"
        autoCorrect="off"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        aria-invalid={handleError ? true : undefined}
      />
      <Field
        label="Group name (optional)"
        hint="Shown to everyone in the group."
        value={title}
        maxLength={100}
        onChange={(event) => setTitle(event.target.value)}
        autoComplete="off"
        aria-invalid={failure?.code === 'input.title_invalid' ? true : undefined}
      />
      <FormFooter error={failure ? startErrorText(failure) : null} busy={busy} busyText="Starting the conversation…" submitLabel="Start conversation" onCancel={onCancel} />
    </form>
  );
}
