'use client';
import { useEffect, useState } from 'react';
import { useClient, useSession } from '../../_components/client-context';

export function SafetyNumberSection() {
  const client = useClient();
  const session = useSession();
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const accountId = session.status === 'signed-in' ? session.account.id : null;

  useEffect(() => {
    if (!client || accountId === null) return;
    let live = true;
    void client.account.ownFingerprint().then((result) => {
      if (live && result.ok) setFingerprint(result.value);
    });
    return () => {
      live = false;
    };
  }, [client, accountId]);

  if (session.status !== 'signed-in') return null;
  return (
    <section className="card" aria-labelledby="safety-title">
      <h2 id="safety-title">Safety number</h2>
      <p className="muted">
        Your half of every safety number, made from your public signing key. When you verify someone in a
        conversation, you compare the full number with theirs, in person or on a call. It changes only if
        your keys change.
      </p>
      <dl className="facts">
        <dt>Handle</dt>
        <dd>@{session.account.handle}</dd>
        <dt>Your fingerprint</dt>
        <dd>
          {fingerprint ? (
            <span className="digits">
              {fingerprint.split(' ').map((group, index) => (
                // The spaces keep the groups apart for screen readers and copy-paste; the grid ignores them.
                <span key={index}>{group} </span>
              ))}
            </span>
          ) : (
            // The same grid of six groups, so that nothing below moves when the digits arrive.
            <span className="digits muted">
              <span className="visually-hidden">Computing…</span>
              {Array.from({ length: 6 }, (_, index) => (
                <span key={index} aria-hidden="true">
                  ·····
                </span>
              ))}
            </span>
          )}
        </dd>
      </dl>
    </section>
  );
}
