'use client';
import type { ReactNode } from 'react';
import { ClientProvider } from './client-context';
import { OfflineStatus } from './offline-status';
import { UpdatePrompt } from './update-prompt';

export function Providers({ children }: { children: ReactNode }) {
  return (
    <ClientProvider>
      <OfflineStatus />
      {children}
      <UpdatePrompt />
    </ClientProvider>
  );
}
