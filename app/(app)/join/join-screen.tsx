'use client';
// Opening an invite link: /join/#<invite id>.<secret>. The fragment never leaves the browser; the secret opens
// the community's key, sealed on the server, and proves the link to it.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { parseInviteFragment } from '../../../lib/protocol/invite';
import { useEngine } from '../../_components/client-context';
import { EmptyState } from '../../_components/empty-state';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

const JOIN_ERRORS = {
  'invite.revoked': 'This invite link was revoked. Ask for a new one.',
  'invite.expired': 'This invite link has expired. Ask for a new one.',
  'invite.used_up': 'This invite link has been used as often as it allows. Ask for a new one.',
  'invite.not_found': 'This invite link is not known. Check that you copied all of it.',
  'request.invalid': 'This invite link is incomplete. Check that you copied all of it.',
} as const;

export function JoinScreen() {
  const engine = useEngine();
  const router = useRouter();
  const [fragment, setFragment] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The fragment exists only in the browser, never in the prerendered page.
  useEffect(() => {
    const read = () => setFragment(window.location.hash.slice(1));
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);

  if (fragment === null || engine === null) return <StatusNotice busy>Opening the invite…</StatusNotice>;
  const valid = parseInviteFragment(fragment) !== null;
  if (!valid) {
    return (
      <>
        <h1>Join a community</h1>
        <EmptyState title="This invite link is incomplete">
          <p>An invite link ends with a long code after #. Check that you copied all of it, or ask for a new one.</p>
          <p>
            <Link href="/communities/">Go to your communities</Link>
          </p>
        </EmptyState>
      </>
    );
  }

  async function join() {
    if (busy || !engine || fragment === null) return;
    setBusy(true);
    setError(null);
    const joined = await engine.communities.joinByLink(`#${fragment}`);
    if (joined.ok) {
      // The secret stays out of the history once used.
      router.replace(`/community/?id=${encodeURIComponent(joined.value)}`);
      return;
    }
    setBusy(false);
    setError(errorText(joined.code, JOIN_ERRORS));
  }

  return (
    <>
      <h1>Join a community</h1>
      <section className="card join-card" aria-labelledby="join-title">
        <h2 id="join-title">You were invited to a community</h2>
        <p>
          Its name, threads and messages are end-to-end encrypted: you will see them once you join. The other members
          will see your display name and handle.
        </p>
        <ErrorAlert message={error} />
        <StatusNotice busy={busy}>{busy ? 'Joining…' : null}</StatusNotice>
        <div className="actions">
          <button type="button" className="button primary" disabled={busy} onClick={() => void join()}>
            Join community
          </button>
          <Link href="/communities/" className="button secondary">
            Not now
          </Link>
        </div>
      </section>
    </>
  );
}
