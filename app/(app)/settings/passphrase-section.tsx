'use client';
import { useMemo, useState, type FormEvent } from 'react';
import { estimatePassphraseStrength } from '../../../lib/client/passphrase-strength';
import { useClient, useSession } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { Field, PassphraseField } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';
import { StrengthMeter } from '../../_components/strength-meter';

export function PassphraseSection() {
  const client = useClient();
  const session = useSession();
  const [current, setCurrent] = useState('');
  // Someone who forgot the passphrase (e.g. signed in with the recovery key) proves it with the recovery key.
  const [useRecovery, setUseRecovery] = useState(false);
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const personal = session.status === 'signed-in' ? [session.account.handle, session.account.displayName] : [];
  const personalKey = personal.join('\n');
  const strength = useMemo(
    () => (next ? estimatePassphraseStrength(next, personalKey.split('\n')) : null),
    [next, personalKey],
  );

  if (!client || session.status !== 'signed-in') return null;
  const account = client.account;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setError(null);
    setDone(null);
    if (current === '' || strength?.acceptable !== true || confirm !== next) {
      setError('Check the highlighted fields.');
      return;
    }
    setBusy(true);
    const result = await account.changePassphrase(useRecovery ? { recoveryKey: current } : current, next);
    setBusy(false);
    if (!result.ok) {
      setError(
        errorText(result.code, {
          'auth.invalid_credentials': useRecovery
            ? 'That recovery key does not belong to this account. Nothing was changed.'
            : 'Your current passphrase is not right. Nothing was changed.',
          'recovery_key.malformed': 'That recovery key has a typo: check each group of characters. Nothing was changed.',
          'network.offline': 'Changing your passphrase needs a connection. Nothing was changed.',
        }),
      );
      return;
    }
    setCurrent('');
    setNext('');
    setConfirm('');
    setSubmitted(false);
    setDone('Passphrase changed. Use the new one the next time you sign in on a device.');
  }

  return (
    <section className="card wide" aria-labelledby="passphrase-title">
      <h2 id="passphrase-title">Change passphrase</h2>
      <p className="muted">
        Your key backup is wrapped again with the new passphrase on this device. Your recovery key keeps working.
      </p>
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <div className="confirm-row">
          <input
            id="passphrase-use-recovery"
            type="checkbox"
            checked={useRecovery}
            onChange={(e) => {
              setUseRecovery(e.target.checked);
              setCurrent('');
            }}
          />
          <label htmlFor="passphrase-use-recovery">I forgot my passphrase: use my recovery key instead</label>
        </div>
        {useRecovery ? (
          <Field
            label="Recovery key"
            name="recovery-key"
            autoComplete="off"
            spellCheck={false}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={submitted && current === '' ? 'Enter the recovery key you saved when you created the account.' : null}
          />
        ) : (
          <PassphraseField
            label="Current passphrase"
            name="current"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={submitted && current === '' ? 'Enter your current passphrase.' : null}
          />
        )}
        <PassphraseField
          label="New passphrase"
          name="new"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          below={<StrengthMeter strength={strength} />}
          error={submitted && strength?.acceptable !== true ? 'This passphrase is too weak. Follow the advice below the meter.' : null}
        />
        <PassphraseField
          label="Confirm new passphrase"
          name="confirm"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={submitted && confirm !== next ? 'The two passphrases do not match.' : null}
        />
        <ErrorAlert message={error} />
        <StatusNotice busy={busy}>
          {busy ? 'Deriving keys from both passphrases. This takes a few seconds.' : done}
        </StatusNotice>
        <button type="submit" className="button primary" aria-disabled={busy}>
          Change passphrase
        </button>
      </form>
    </section>
  );
}
