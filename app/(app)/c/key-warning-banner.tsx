'use client';
// Persistent until the person verifies again: someone verified now has a different identity key, so either
// they reinstalled on a new identity or the server is handing out a key that is not theirs.
import type { KeyWarning } from '../../../lib/client/engine/safety';

export function KeyWarningBanner({ warnings, onReview }: { warnings: KeyWarning[]; onReview(): void }) {
  if (warnings.length === 0) return null;
  const names = warnings.map((w) => w.name).join(', ');
  return (
    <div className="notice error key-warning" role="alert">
      <p>
        <strong>Safety number changed for {names}.</strong> Their identity key is not the one you verified. Compare the new
        safety number with them in person or on a call before trusting new messages.
      </p>
      <button type="button" className="button secondary small" onClick={onReview}>
        Review safety numbers
      </button>
    </div>
  );
}
