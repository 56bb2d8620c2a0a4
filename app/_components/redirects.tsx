'use client';
// Where each kind of screen sends you when the session does not fit it.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useSession } from './client-context';

/** On the welcome and sign-in screens: a signed-in device goes straight home. */
export function useRedirectWhenSignedIn(enabled = true): void {
  const session = useSession();
  const router = useRouter();
  useEffect(() => {
    if (enabled && session.status === 'signed-in') router.replace('/home/');
  }, [enabled, session.status, router]);
}

/** Inside the app shell: a signed-out device goes to sign in (to the welcome screen if it never signed in or the account is gone). */
export function useRedirectWhenSignedOut(enabled = true): void {
  const session = useSession();
  const router = useRouter();
  useEffect(() => {
    if (!enabled || session.status !== 'signed-out') return;
    router.replace(session.reason === 'none' || session.reason === 'account-deleted' ? '/' : '/signin/');
  }, [enabled, session, router]);
}
