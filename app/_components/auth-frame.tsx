import type { ReactNode } from 'react';
import { Brand } from './brand';

/** The frame of the signed-out screens: the brand on top, one centred card. */
export function AuthFrame({ children }: { children: ReactNode }) {
  return (
    <div className="public-page">
      <header className="public-header">
        <Brand />
      </header>
      <main id="main" className="auth-card">
        {children}
      </main>
    </div>
  );
}
