'use client';
// Live passphrase strength: a meter plus words, and the reasons when it is not strong enough.
import type { PassphraseStrength } from '../../lib/client/passphrase-strength';

export function StrengthMeter({ strength }: { strength: PassphraseStrength | null }) {
  const score = strength?.score ?? 0;
  return (
    <div className="strength" data-score={strength ? score : 'none'}>
      <div className="strength-row">
        {/* Shifted by one so even "Very weak" shows a red sliver; green exactly when accepted (score 3+). */}
        <meter
          min={0}
          max={5}
          low={3}
          high={4}
          optimum={5}
          value={strength ? score + 1 : 0}
          aria-label="Passphrase strength"
          aria-valuetext={strength ? strength.label : 'Not entered yet'}
        />
        <span className="strength-label" aria-live="polite">
          {strength ? `Strength: ${strength.label}` : 'Strength: not entered yet'}
        </span>
      </div>
      {strength && strength.feedback.length > 0 ? (
        <ul className="strength-feedback">
          {strength.feedback.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
