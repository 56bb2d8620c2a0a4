'use client';
import Link from 'next/link';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AuthFrame } from '../_components/auth-frame';
import { useClient, useSession } from '../_components/client-context';
import { errorText } from '../_components/error-text';
import { Field, PassphraseField } from '../_components/field';
import { ErrorAlert, StatusNotice } from '../_components/notice';
import { useRedirectWhenSignedIn } from '../_components/redirects';

type Mode = 'passphrase' | 'recovery';

export function SignInScreen() {
  const client = useClient();
  const session = useSession();
  const [mode, setMode] = useState<Mode>('passphrase');
  const [handle, setHandle] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const switched = useRef(false);

  useRedirectWhenSignedIn();

  // After switching modes, put the cursor where the new secret goes.
  useEffect(() => {
    if (switched.current) secretRef.current?.focus();
  }, [mode]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy || !client) return;
    setError(null);
    if (handle.trim() === '') {
      setError('Enter your handle.');
      return;
    }
    if ((mode === 'passphrase' ? passphrase : recoveryKey).trim() === '') {
      setError(mode === 'passphrase' ? 'Enter your passphrase.' : 'Enter your recovery key.');
      return;
    }
    setBusy(true);
    const result =
      mode === 'passphrase'
        ? await client.account.signIn(handle, passphrase)
        : await client.account.signInWithRecoveryKey(handle, recoveryKey);
    setBusy(false);
    if (!result.ok) {
      setError(
        errorText(result.code, {
          'auth.invalid_credentials':
            mode === 'passphrase'
              ? 'That handle and passphrase do not match an account. Check both and try again.'
              : 'That handle and recovery key do not match an account. Check both and try again.',
        }),
      );
      return;
    }
    setPassphrase('');
    setRecoveryKey('');
    // The redirect to /home/ follows from the session state.
  }

  function switchMode(next: Mode) {
    switched.current = true;
    setError(null);
    setMode(next);
  }

  const ended = session.status === 'signed-out' && session.reason === 'session-ended';
  const signedOut = session.status === 'signed-out' && session.reason === 'signed-out';
  const deleted = session.status === 'signed-out' && session.reason === 'account-deleted';
  return (
    <AuthFrame>
      <h1>Sign in</h1>
      {ended ? (
        <p className="notice warning">
          This device was signed out because its session ended (signed out everywhere, revoked or expired).
          Its local data was removed. Sign in again to continue.
        </p>
      ) : null}
      {signedOut ? (
        <p className="notice success">You signed out. This device’s keys and local data were removed.</p>
      ) : null}
      {deleted ? (
        <p className="notice success">This account was deleted. This device’s keys and local data were removed.</p>
      ) : null}
      <p className="lead">
        {mode === 'passphrase'
          ? 'Use your handle and passphrase. Your passphrase unlocks your keys on this device; it is never sent.'
          : 'Lost your passphrase? Your recovery key, saved when you created the account, opens it instead.'}
      </p>
      <form onSubmit={onSubmit} noValidate aria-busy={busy}>
        <Field
          label="Handle"
          name="handle"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          value={handle}
          onChange={(e) => setHandle(e.target.value)}
          required
        />
        {mode === 'passphrase' ? (
          <PassphraseField
            ref={secretRef}
            label="Passphrase"
            name="passphrase"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            required
          />
        ) : (
          <Field
            ref={secretRef}
            label="Recovery key"
            name="recoveryKey"
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            className="mono"
            value={recoveryKey}
            onChange={(e) => setRecoveryKey(e.target.value)}
            hint="14 groups of 4 letters and digits. Spaces, dashes and lowercase are fine."
            required
          />
        )}
        <ErrorAlert message={error} />
        <StatusNotice busy={busy}>
          {busy
            ? mode === 'passphrase'
              ? 'Checking your passphrase and unlocking your keys. This takes a few seconds.'
              : 'Checking your recovery key and unlocking your keys.'
            : null}
        </StatusNotice>
        <button type="submit" className="button primary large block" aria-disabled={busy || !client}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div className="switch">
        {mode === 'passphrase' ? (
          <button type="button" className="button link" onClick={() => switchMode('recovery')}>
            Use recovery key
          </button>
        ) : (
          <button type="button" className="button link" onClick={() => switchMode('passphrase')}>
            Use passphrase
          </button>
        )}
        <span aria-hidden="true"> · </span>
        <Link href="/signup/">Create account</Link>
      </div>
    </AuthFrame>
  );
}
