import type { Metadata } from 'next';
import { CommunitiesScreen } from './communities-screen';

export const metadata: Metadata = { title: 'Communities' };

export default function CommunitiesPage() {
  return <CommunitiesScreen />;
}
