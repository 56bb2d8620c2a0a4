'use client';
// One member's safety number and "Mark as verified". The number is computed from the key the server lists
// now; comparing it with them (in person, on a call) is what makes the encryption trustworthy.
import { useEffect, useId, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';

export function MemberSafety({
  engine,
  docId,
  accountId,
  name,
  signingKey,
  onVerified,
}: {
  engine: DeviceEngine;
  docId: string;
  accountId: string;
  name: string;
  /** Re-computed when the key the server lists changes. */
  signingKey: string | null;
  onVerified(): void;
}) {
  const [number, setNumber] = useState<string | null>(null);
  const [status, setStatus] = useState(() => engine.verificationStatus(accountId, docId));
  const [error, setError] = useState<string | null>(null);
  const labelId = useId();

  useEffect(() => {
    let cancelled = false;
    setStatus(engine.verificationStatus(accountId, docId));
    void engine.safetyNumber(accountId, docId).then((result) => {
      if (!cancelled) setNumber(result.ok ? result.value : null);
    });
    return () => {
      cancelled = true;
    };
  }, [engine, accountId, docId, signingKey]);

  async function verify(): Promise<void> {
    if (!number) return;
    const result = await engine.markVerified(accountId, { safetyNumber: number, docId });
    if (!result.ok) return setError('The safety number changed while you were comparing it. Compare the new one.');
    setError(null);
    setStatus(engine.verificationStatus(accountId, docId));
    onVerified();
  }

  if (signingKey === null) return null;
  return (
    <span className="member-safety">
      <span role="region" aria-labelledby={labelId} className="safety-number">
        <span id={labelId} className="small muted">
          Safety number
        </span>
        <code>{number ?? 'Computing…'}</code>
      </span>
      {status === 'verified' ? (
        <span className="badge verified">Verified</span>
      ) : (
        <>
          {status === 'changed' ? <span className="error-text small">{name}&apos;s key changed since you verified it.</span> : null}
          <button type="button" className="button secondary small" disabled={!number} aria-describedby={labelId} onClick={() => void verify()}>
            Mark as verified
          </button>
        </>
      )}
      {error ? <span className="error-text small">{error}</span> : null}
    </span>
  );
}
