'use client';
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../lib/protocol/api';
import { useClient, useOnline, useSession } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function SessionsSection() {
  const client = useClient();
  const session = useSession();
  const online = useOnline();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const signedIn = session.status === 'signed-in';

  const load = useCallback(async () => {
    if (!client) return;
    const result = await client.account.listSessions();
    if (result.ok) {
      setSessions(sortSessions(result.value));
      setError(null);
    } else if (result.code !== 'auth.session_revoked' && result.code !== 'auth.session_expired') {
      setError(result.code === 'network.offline' ? 'Your sessions cannot be listed while offline.' : errorText(result.code));
    }
  }, [client]);

  useEffect(() => {
    if (signedIn && online) void load();
  }, [signedIn, online, load]);

  if (!client || session.status !== 'signed-in') return null;
  const account = client.account;

  async function revoke(target: SessionInfo) {
    setBusy(target.id);
    setError(null);
    setStatus(null);
    const result = await account.revokeSession(target.id);
    setBusy(null);
    if (!result.ok) {
      setError(errorText(result.code, { 'session.not_found': 'That session had already ended.' }));
    } else {
      setStatus(`Signed out ${target.deviceName}.`);
    }
    await load();
  }

  async function signOut() {
    setBusy('sign-out');
    setStatus('Signing out and removing this device’s keys and data…');
    await account.signOut();
  }

  async function signOutEverywhere() {
    setBusy('everywhere');
    setError(null);
    setStatus('Signing out every device…');
    const result = await account.signOutEverywhere();
    if (!result.ok) {
      setBusy(null);
      setStatus(null);
      setError(
        result.code === 'network.offline'
          ? 'Signing out everywhere needs a connection. Nothing was changed.'
          : errorText(result.code),
      );
    }
  }

  return (
    <section className="card wide" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Devices and sessions</h2>
      <p className="muted">Every browser or device signed in to your account is listed below. Revoke any you do not recognise.</p>
      {/* The actions come before the list, which loads from the server: it grows below them, never moving them. */}
      <ErrorAlert message={error} />
      <StatusNotice busy={busy === 'sign-out' || busy === 'everywhere'}>{status}</StatusNotice>
      <div className="actions">
        <button type="button" className="button secondary" aria-disabled={busy !== null} onClick={() => busy === null && void signOut()}>
          Sign out
        </button>
        <button
          type="button"
          className="button danger"
          aria-disabled={busy !== null}
          aria-describedby="everywhere-hint"
          onClick={() => busy === null && void signOutEverywhere()}
        >
          Sign out everywhere
        </button>
      </div>
      <p id="everywhere-hint" className="hint">
        Signing out removes this device’s keys and local data. “Sign out everywhere” also ends every other
        session of your account at once.
      </p>
      {sessions === null ? (
        error ? null : (
          <p className="muted">{online ? 'Loading sessions…' : 'Your sessions cannot be listed while offline.'}</p>
        )
      ) : (
        <ul className="session-list" aria-label="Sessions">
          {sessions.map((item) => (
            <li key={item.id} className={item.current ? 'session current' : 'session'}>
              <div className="session-text">
                <p className="session-device" id={`session-${item.id}`}>
                  {item.deviceName}
                  {item.current ? <span className="badge">This device</span> : null}
                </p>
                <p className="muted small">
                  Signed in {formatDate(item.createdAt)} · Last active {formatRelative(item.lastSeenAt)}
                </p>
              </div>
              {item.current ? null : (
                <button
                  type="button"
                  className="button secondary small"
                  aria-describedby={`session-${item.id}`}
                  aria-disabled={busy !== null}
                  onClick={() => busy === null && void revoke(item)}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function sortSessions(sessions: SessionInfo[]): SessionInfo[] {
  return [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);
}

function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

function formatRelative(ms: number): string {
  const seconds = Math.round((ms - Date.now()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return 'just now';
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}
