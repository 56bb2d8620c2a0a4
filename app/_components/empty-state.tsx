import type { ReactNode } from 'react';

/** An honest empty screen: what will appear here, and what you can do now. */
export function EmptyState({ title, children, icon }: { title: string; children: ReactNode; icon?: ReactNode }) {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      {icon ? <div className="empty-icon">{icon}</div> : null}
      <h2 id="empty-title">{title}</h2>
      {children}
    </section>
  );
}
