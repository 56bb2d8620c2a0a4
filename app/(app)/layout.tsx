'use client';
// The signed-in shell: brand, the Main navigation, and the page. A signed-out device is sent away.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Brand } from '../_components/brand';
import { useEngine, useSession } from '../_components/client-context';
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

export default function AppShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const unread = useTotalUnread(useEngine());
  useRedirectWhenSignedOut();
  // A conversation fills the window: its messages scroll, the composer stays in reach.
  const inConversation = pathname.startsWith('/c/') || pathname === '/c';

  return (
    <div className={inConversation ? 'shell chat-mode' : 'shell'}>
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
              pathname === item.href || pathname === item.href.slice(0, -1) || (item.href === '/home/' && (inConversation || pathname.startsWith('/requests') || pathname.startsWith('/archived')));
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
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {session.status === 'signed-in' ? children : <StatusNotice busy>Opening your account…</StatusNotice>}
      </main>
    </div>
  );
}
