'use client';
// role=alert for errors (announced at once) and role=status for progress and confirmations.
// The regions stay mounted so screen readers notice when their text changes.
import type { ReactNode } from 'react';

export function ErrorAlert({ message }: { message: string | null }) {
  return (
    <div role="alert" className={message ? 'notice error' : 'notice-empty'}>
      {message}
    </div>
  );
}

export function StatusNotice({ children, busy = false }: { children: ReactNode; busy?: boolean }) {
  const empty = children === null || children === undefined || children === false || children === '';
  return (
    <div role="status" className={empty ? 'notice-empty' : `notice info${busy ? ' busy' : ''}`}>
      {busy && !empty ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </div>
  );
}
