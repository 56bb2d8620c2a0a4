'use client';
import Link from 'next/link';
import { Brand } from './_components/brand';
import { useSession } from './_components/client-context';
import { useRedirectWhenSignedIn } from './_components/redirects';

export function WelcomeScreen() {
  useRedirectWhenSignedIn();
  const session = useSession();
  const deleted = session.status === 'signed-out' && session.reason === 'account-deleted';
  return (
    <div className="public-page">
      <header className="public-header">
        <Brand />
      </header>
      <main id="main" className="welcome">
        {deleted ? (
          <p className="notice success" role="status">
            Your account was deleted. This device’s keys and local data were removed.
          </p>
        ) : null}
        <section className="welcome-hero" aria-labelledby="welcome-title">
          <h1 id="welcome-title">Talk about what you have and what you need, privately.</h1>
          <p className="lead">
            Has-Needs messaging is where people on Has-Needs talk: private conversations and community
            discussions, end-to-end encrypted, that keep working when the network does not.
          </p>
          <div className="actions">
            <Link className="button primary large" href="/signup/">
              Create account
            </Link>
            <Link className="button secondary large" href="/signin/">
              Sign in
            </Link>
          </div>
        </section>
        <ul className="feature-list" aria-label="What to expect">
          <li>
            <h2>Only you hold the keys</h2>
            <p>Your keys are made on your device. The server relays and stores only encrypted data it cannot read.</p>
          </li>
          <li>
            <h2>Works offline</h2>
            <p>Install it like an app. It opens without a network and catches up when you are back online.</p>
          </li>
          <li>
            <h2>Check who you talk to</h2>
            <p>Every account has a safety number you can compare in person to be sure no one is in between.</p>
          </li>
        </ul>
        <p className="fine-print">
          This release sets up your account, devices and keys. Conversations and communities arrive in the
          next releases.
        </p>
      </main>
    </div>
  );
}
