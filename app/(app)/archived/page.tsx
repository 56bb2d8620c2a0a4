import type { Metadata } from 'next';
import { ArchivedScreen } from './archived-screen';

export const metadata: Metadata = { title: 'Archived conversations' };

export default function ArchivedPage() {
  return <ArchivedScreen />;
}
