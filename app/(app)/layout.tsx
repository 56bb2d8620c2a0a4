'use client';
// The signed-in shell: brand, the Main navigation, and the page. A signed-out device is sent away.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Brand } from '../_components/brand';
import { useEngine, useSession } from '../_components/client-context';
import { useInvitations } from './communities/invitations-section';
import { useCommunitiesUnread } from './communities/use-communities-unread';
import { useTotalUnread } from './home/use-total-unread';
import { NavIcon, type NavIconName } from '../_components/nav-icon';
import { StatusNotice } from '../_components/notice';
import { useRedirectWhenSignedOut } from '../_components/redirects';

const NAV: Array<{ href: string; label: string; icon: NavIconName }> = [
  { href: '/home/', label: 'Conversations', icon: 'conversations' },
  { href: '/communities/', label: 'Communities', icon: 'communities' },
  { href: '/notifications/', label: 'Notifications', icon: 'notifications' },
  { href: '/settings/', label: 'Settings', icon: 'settings' },
];

/** Kept on screen (no redirect) so the link is still in the address bar to open again after signing in. */
function SignedOutInvite() {
  return (
    <section className="card join-card" aria-labelledby="join-signed-out">
      <h1 id="join-signed-out">Join a community</h1>
      <p>
        This is an invite link to a Has-Needs community. Sign in or create an account on this device first, then open
        the invite link again to join.
      </p>
      <div className="actions">
        <Link href="/signin/" className="button primary">
          Sign in
        </Link>
        <Link href="/signup/" className="button secondary">
          Create account
        </Link>
      </div>
    </section>
  );
}

export default function AppShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const engine = useEngine();
  const unread = useTotalUnread(engine);
  const invitations = useInvitations(engine).length;
  const communityUnread = useCommunitiesUnread(engine);
  // One badge on Communities: unread posts and invitations added up, each named when read out.
  const communityCount = communityUnread + invitations;
  const communityCountText = [
    communityUnread > 0 ? `${communityUnread} unread` : null,
    invitations > 0 ? `${invitations} ${invitations === 1 ? 'invitation' : 'invitations'}` : null,
  ]
    .filter((part) => part !== null)
    .join(', ');
  // An invite link opened while signed out says what to do instead of losing the link in a redirect.
  const joining = pathname.startsWith('/join');
  useRedirectWhenSignedOut(!joining);
  // A conversation (or a thread) fills the window: its messages scroll, the composer stays in reach.
  const inConversation = pathname.startsWith('/c/') || pathname === '/c';
  const inThread = pathname.startsWith('/thread');
  const inCommunities = inThread || pathname.startsWith('/community') || joining;

  return (
    <div className={inConversation || inThread ? 'shell chat-mode' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <Brand href="/home/" />
        {session.status === 'signed-in' ? (
          <p className="shell-user">
            <span className="visually-hidden">Signed in as </span>
            {session.account.displayName} <span className="muted">@{session.account.handle}</span>
          </p>
        ) : null}
      </header>
      <nav aria-label="Main" className="main-nav">
        <ul>
          {NAV.map((item) => {
            const current =
              pathname === item.href || pathname === item.href.slice(0, -1) || (item.href === '/home/' && (inConversation || pathname.startsWith('/requests') || pathname.startsWith('/archived'))) ||
              (item.href === '/communities/' && inCommunities);
            return (
              <li key={item.href}>
                <Link href={item.href} aria-current={current ? 'page' : undefined}>
                  <NavIcon name={item.icon} />
                  <span>{item.label}</span>
                  {item.href === '/home/' && unread > 0 ? (
                    <span className="count-badge">
                      {unread > 99 ? '99+' : unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  ) : null}
                  {item.href === '/communities/' && communityCount > 0 ? (
                    <span className="count-badge">
                      <span aria-hidden="true">{communityCount > 99 ? '99+' : communityCount}</span>
                      <span className="visually-hidden">{communityCountText}</span>
                    </span>
                  ) : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {session.status === 'signed-in' ? (
          children
        ) : joining && session.status === 'signed-out' ? (
          <SignedOutInvite />
        ) : (
          <StatusNotice busy>Opening your account…</StatusNotice>
        )}
      </main>
    </div>
  );
}
