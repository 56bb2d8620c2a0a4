'use client';
// "Export my data": one JSON file, built on this device (lib/client/export.ts documents its layout), walking the
// conversations and community threads one by one with a progress bar, then handed to the browser as a download.
import { useId, useState } from 'react';
import type { DataExport, ExportProgress } from '../../../lib/client/export';
import { useClient, useSession } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the file holds, counted for the status line; what this device could not read is named. */
function readyText({ conversations, communities }: DataExport, file: string): string {
  const threads = communities.flatMap((c) => c.threads);
  const messages = conversations.reduce((sum, c) => sum + c.messages.length, 0) + threads.reduce((sum, t) => sum + t.posts.length, 0);
  const unread = [...conversations, ...communities, ...threads].filter((x) => !x.complete).length;
  const inCommunities = communities.length > 0 ? `, ${plural(communities.length, 'community', 'communities')} with ${plural(threads.length, 'thread', 'threads')}` : '';
  const incomplete =
    unread > 0
      ? ` ${plural(unread, 'conversation, community or thread', 'conversations, communities or threads')} could not be read on this device and ` +
        `${unread === 1 ? 'is' : 'are'} marked incomplete.`
      : '';
  return `Export ready: ${plural(conversations.length, 'conversation', 'conversations')}${inCommunities} and ${plural(messages, 'message', 'messages')} in ${file}.${incomplete}`;
}

export function ExportSection() {
  const client = useClient();
  const session = useSession();
  const progressId = useId();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (!client || session.status !== 'signed-in') return null;
  const handle = session.account.handle;

  async function onExport() {
    if (!client || busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    setProgress(null);
    const result = await client.exportData((next) => setProgress(next));
    setBusy(false);
    if (!result.ok) {
      setProgress(null);
      setError(
        errorText(result.code, {
          'network.offline': 'Exporting needs a connection: what the server keeps about you is part of the file. Nothing was exported.',
          'session.none': 'Your conversations are still loading on this device. Try again in a moment.',
        }),
      );
      return;
    }
    const file = `has-needs-export-${handle}-${new Date(result.value.exportedAt).toISOString().slice(0, 10)}.json`;
    const url = URL.createObjectURL(new Blob([JSON.stringify(result.value, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
    // Give the download a moment to start before the URL goes away.
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setDone(readyText(result.value, file));
  }

  const counted = progress !== null && progress.total > 0;
  const progressText =
    progress === null
      ? 'Asking the server what it keeps about you…'
      : progress.threads === 0
        ? `${progress.done} of ${plural(progress.total, 'conversation', 'conversations')}`
        : `${progress.done} of ${progress.total}: ${plural(progress.total - progress.threads, 'conversation', 'conversations')} and ` +
          plural(progress.threads, 'community thread', 'community threads');
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export your data</h2>
      <p className="muted">
        One JSON file with your profile, privacy settings, contacts, blocks, every conversation and community you
        belong to with its decrypted messages and posts, and what the server keeps about you. The messages in it
        are not encrypted: keep the file somewhere private.
      </p>
      {busy || progress !== null ? (
        <div className="export-progress">
          <label htmlFor={progressId}>{busy ? 'Exporting your data' : 'Export finished'}</label>
          {/* Without a value the bar is indeterminate: the number of conversations and threads is not known yet. */}
          <progress
            id={progressId}
            max={counted ? progress.total : 1}
            value={progress === null ? undefined : counted ? progress.done : 1}
            aria-valuetext={progressText}
          />
          <p className="muted small">{progressText}</p>
        </div>
      ) : null}
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Decrypting your conversations and communities on this device…' : done}</StatusNotice>
      <div className="actions">
        <button type="button" className="button secondary" aria-disabled={busy} onClick={() => void onExport()}>
          Export my data
        </button>
      </div>
    </section>
  );
}
