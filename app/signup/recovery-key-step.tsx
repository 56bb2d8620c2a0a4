'use client';
// The one time the recovery key is ever shown. It is not stored anywhere: once this screen is left,
// only what the person copied, downloaded or wrote down remains.
import { useEffect, useId, useRef, useState } from 'react';
import { StatusNotice } from '../_components/notice';

interface Props {
  recoveryKey: string;
  handle: string;
  onDone: () => void;
}

export function RecoveryKeyStep({ recoveryKey, handle, onDone }: Props) {
  const [saved, setSaved] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const labelId = useId();
  const groups = recoveryKey.split('-');

  // The form is gone; move focus to the new step so keyboard and screen-reader users land here.
  useEffect(() => headingRef.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(recoveryKey);
      setMessage('Recovery key copied. Paste it into your password manager now.');
    } catch {
      setMessage('Copying is not allowed here. Select the key and copy it yourself, or use Download.');
    }
  }

  function download() {
    const text = [
      'Has-Needs recovery key',
      '',
      `Handle: ${handle}`,
      `Recovery key: ${recoveryKey}`,
      '',
      'Anyone with this key and your handle can open your account. Keep it somewhere safe and private.',
      'Use it on the sign-in screen ("Use recovery key") if you forget your passphrase.',
      '',
    ].join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `has-needs-recovery-key-${handle}.txt`;
    document.body.append(link);
    link.click();
    link.remove();
    // Give the download a moment to start before the URL goes away.
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setMessage('Recovery key downloaded. Move the file somewhere safe, such as a password manager or a USB stick.');
  }

  return (
    <div className="recovery-step">
      <h1 ref={headingRef} tabIndex={-1}>
        Save your recovery key
      </h1>
      <p className="lead">
        Your account is ready. If you ever forget your passphrase, this key is the only way back in. We cannot
        reset it for you, and it will not be shown again.
      </p>
      <p id={labelId} className="recovery-label">
        Recovery key
      </p>
      <div className="recovery-key" role="group" aria-labelledby={labelId}>
        {groups.map((group, index) => (
          <span key={index} className="recovery-group">
            {group}
            {index < groups.length - 1 ? <span className="visually-hidden">-</span> : null}
          </span>
        ))}
      </div>
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button secondary" onClick={download}>
          Download
        </button>
      </div>
      <StatusNotice>{message}</StatusNotice>
      <div className="confirm-row">
        <input id={`${labelId}-saved`} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <label htmlFor={`${labelId}-saved`}>I stored my recovery key somewhere safe, away from this device.</label>
      </div>
      <button
        type="button"
        className="button primary large block"
        disabled={!saved}
        aria-describedby={saved ? undefined : `${labelId}-why`}
        onClick={onDone}
      >
        I have saved my recovery key
      </button>
      {saved ? null : (
        <p id={`${labelId}-why`} className="hint center">
          Tick the box above to continue.
        </p>
      )}
    </div>
  );
}
