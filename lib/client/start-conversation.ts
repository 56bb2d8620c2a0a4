// Starting a conversation from what a person typed: a list of handles and an optional group name.
// Failures name the handle they are about, so the screen can say which one is wrong.
import { Title } from '../docs';
import { Handle, type PublicProfile } from '../protocol/api';
import { MAX_GROUP_MEMBERS } from '../protocol/api-docs';
import { fail, ok, type Result } from '../protocol/errors';
import { normalizeHandle } from './account';
import type { ClientErrorCode, ClientResult } from './client-errors';

export type StartFailure = { ok: false; code: ClientErrorCode; handle?: string };

/** Handles separated by commas (spaces and semicolons work too), each with or without `@`, own handle dropped. */
export function parseHandleList(text: string, ownHandle: string): Result<string[], ClientErrorCode> | StartFailure {
  const typed = text
    .split(/[,;\s]+/)
    .map(normalizeHandle)
    .filter((h) => h !== '');
  if (typed.length === 0) return fail('input.handles_empty');
  for (const handle of typed) {
    if (!Handle.safeParse(handle).success) return { ok: false, code: 'input.handle_invalid', handle };
  }
  const others = [...new Set(typed)].filter((h) => h !== ownHandle);
  if (others.length === 0) return fail('input.only_own_handle');
  if (others.length > MAX_GROUP_MEMBERS - 1) return fail('doc.too_many_members');
  return ok(others);
}

export interface StartConversationDeps {
  ownHandle: string;
  start(handles: string[], options: { title?: string }): Promise<ClientResult<string>>;
  lookup(handle: string): Promise<ClientResult<PublicProfile>>;
}

/** Resolves to the new (or existing direct) conversation's id. */
export async function startConversation(
  deps: StartConversationDeps,
  input: { handles: string; title?: string },
): Promise<Result<string, ClientErrorCode> | StartFailure> {
  const handles = parseHandleList(input.handles, deps.ownHandle);
  if (!handles.ok) return handles;
  const titleText = input.title?.trim() ?? '';
  let title: string | undefined;
  if (titleText !== '') {
    const parsed = Title.safeParse(titleText);
    if (!parsed.success) return fail('input.title_invalid');
    title = parsed.data;
  }
  const started = await deps.start(handles.value, title === undefined ? {} : { title });
  if (started.ok || started.code !== 'account.not_found') return started;
  // The engine stops at the first unknown handle without saying which: find it, so the person can fix it.
  for (const handle of handles.value) {
    const found = await deps.lookup(handle);
    if (!found.ok && found.code === 'account.not_found') return { ok: false, code: 'account.not_found', handle };
  }
  return started;
}
