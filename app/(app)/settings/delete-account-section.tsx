'use client';
// "Delete account": says plainly what goes and what stays, asks for the passphrase (a stolen session alone cannot
// delete the account), and on success the device wipes itself and shows the welcome screen.
import { useModalDialog } from '../../_components/use-modal-dialog';
import { useId, useState, type FormEvent } from 'react';
import { useClient, useSession } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { PassphraseField } from '../../_components/field';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function DeleteAccountSection() {
  const client = useClient();
  const session = useSession();
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const dialog = useModalDialog(open);
  const [passphrase, setPassphrase] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);


  if (!client || session.status !== 'signed-in') return null;
  const handle = session.account.handle;

  function close() {
    if (busy) return;
    setOpen(false);
    setPassphrase('');
    setSubmitted(false);
    setError(null);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!client || busy) return;
    setSubmitted(true);
    setError(null);
    if (passphrase === '') return;
    setBusy(true);
    const result = await client.account.deleteAccount(passphrase);
    if (result.ok) return; // The device is wiped; the session state takes every screen to the welcome page.
    setBusy(false);
    setError(
      errorText(result.code, {
        'auth.invalid_credentials': 'That passphrase is not right. Nothing was deleted.',
        'network.offline': 'Deleting your account needs a connection. Nothing was deleted.',
        'auth.rate_limited': 'Too many attempts. Wait a minute, then try again. Nothing was deleted.',
      }),
    );
  }

  return (
    <section className="card danger-zone" aria-labelledby="delete-account-title">
      <h2 id="delete-account-title">Delete account</h2>
      <p className="muted">
        Deletes your account from the server for good and removes this device’s data. Export your data first if
        you want a copy. If you own a community that others are in, make one of them its owner (or delete the
        community) first.
      </p>
      <div className="actions">
        <button type="button" className="button danger" onClick={() => setOpen(true)}>
          Delete account
        </button>
      </div>
      <dialog
        ref={dialog}
        className="dialog confirm-dialog"
        aria-labelledby={titleId}
        onCancel={(event) => {
          // Escape while the deletion runs would hide a dialog whose outcome is still coming.
          if (busy) event.preventDefault();
        }}
        onClose={close}
      >
        <h2 id={titleId}>Delete your account?</h2>
        <p>This cannot be undone. When you confirm:</p>
        <ul className="consequences">
          <li>Your account, its sessions on every device, its keys and your memberships are deleted from the server.</li>
          <li>People you talked with keep past messages; they see “Deleted account” where your name was.</li>
          <li>
            Your handle <strong>@{handle}</strong> cannot be used by anyone for 30 days.
          </li>
          <li>This device’s keys, messages and settings are wiped.</li>
        </ul>
        <form onSubmit={onSubmit} noValidate aria-busy={busy}>
          <PassphraseField
            label="Passphrase"
            name="passphrase"
            autoComplete="current-password"
            hint="Forgot it? Set a new one with your recovery key under Change passphrase first."
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            error={submitted && passphrase === '' ? 'Enter your passphrase to confirm it is you.' : null}
          />
          <ErrorAlert message={error} />
          <StatusNotice busy={busy}>{busy ? 'Checking your passphrase and deleting your account…' : null}</StatusNotice>
          <div className="actions">
            <button type="submit" className="button danger" aria-disabled={busy}>
              Delete my account
            </button>
            <button type="button" className="button secondary" aria-disabled={busy} onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
