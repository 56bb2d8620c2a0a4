'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { normalizeHandle } from '../../lib/client/account';
import { estimatePassphraseStrength } from '../../lib/client/passphrase-strength';
import { Handle } from '../../lib/protocol/api';
import { AuthFrame } from '../_components/auth-frame';
import { useClient } from '../_components/client-context';
import { errorText } from '../_components/error-text';
import { Field, PassphraseField } from '../_components/field';
import { ErrorAlert, StatusNotice } from '../_components/notice';
import { useRedirectWhenSignedIn } from '../_components/redirects';
import { StrengthMeter } from '../_components/strength-meter';
import { RecoveryKeyStep } from './recovery-key-step';

export function SignUpScreen() {
  const client = useClient();
  const router = useRouter();
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recovery, setRecovery] = useState<{ key: string; handle: string } | null>(null);
  const handleRef = useRef<HTMLInputElement>(null);

  // A device that is already signed in has no business here, unless it just signed up on this page.
  useRedirectWhenSignedIn(!busy && recovery === null);

  const normalized = normalizeHandle(handle);
  const strength = useMemo(
    () => (passphrase ? estimatePassphraseStrength(passphrase, [normalized, displayName]) : null),
    [passphrase, normalized, displayName],
  );
  const handleError = submitted && !Handle.safeParse(normalized).success ? errorText('input.handle_invalid') : null;
  const nameError = submitted && displayName.trim() === '' ? 'Enter the name people will see.' : null;
  const passphraseError =
    submitted && strength?.acceptable !== true ? 'This passphrase is too weak. Follow the advice below the meter.' : null;
  const confirmError = submitted && confirm !== passphrase ? 'The two passphrases do not match.' : null;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy || !client) return;
    setSubmitted(true);
    setError(null);
    if (!Handle.safeParse(normalized).success || displayName.trim() === '' || strength?.acceptable !== true || confirm !== passphrase) {
      setError('Check the highlighted fields.');
      return;
    }
    setBusy(true);
    const result = await client.account.signUp({ handle: normalized, displayName, passphrase });
    setBusy(false);
    if (!result.ok) {
      setError(errorText(result.code));
      if (result.code === 'account.handle_taken') handleRef.current?.focus();
      return;
    }
    setPassphrase('');
    setConfirm('');
    setRecovery({ key: result.value.recoveryKey, handle: normalized });
  }

  if (recovery) {
    return (
      <AuthFrame>
        <RecoveryKeyStep recoveryKey={recovery.key} handle={recovery.handle} onDone={() => router.replace('/home/')} />
      </AuthFrame>
    );
  }

  return (
    <AuthFrame>
      <h1>Create your account</h1>
      <p className="lead">
        Your keys are made on this device. Your passphrase never leaves it: it unlocks your key backup when
        you sign in somewhere new.
      </p>
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <Field
          ref={handleRef}
          label="Handle"
          name="handle"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          hint="How people find you. 3 to 32 lowercase letters, digits or underscores."
          error={handleError}
          required
        />
        <Field
          label="Display name"
          name="displayName"
          autoComplete="nickname"
          maxLength={64}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          hint="The name people see next to your messages. You can change it later."
          error={nameError}
          required
        />
        <PassphraseField
          label="Passphrase"
          name="passphrase"
          autoComplete="new-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          hint="At least 12 characters. A few unusual words are strong and easy to remember."
          below={<StrengthMeter strength={strength} />}
          error={passphraseError}
          required
        />
        <PassphraseField
          label="Confirm passphrase"
          name="confirm"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={confirmError}
          required
        />
        <ErrorAlert message={error} />
        <StatusNotice busy={busy}>
          {busy ? 'Creating your keys and protecting them with your passphrase. This takes a few seconds.' : null}
        </StatusNotice>
        <button type="submit" className="button primary large block" aria-disabled={busy || !client}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="switch">
        Already have an account? <Link href="/signin/">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
