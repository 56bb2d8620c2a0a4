import type { Metadata } from 'next';
import { RequestsScreen } from './requests-screen';

export const metadata: Metadata = { title: 'Message requests' };

export default function RequestsPage() {
  return <RequestsScreen />;
}
