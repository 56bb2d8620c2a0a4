import type { Metadata } from 'next';
import { JoinScreen } from './join-screen';

export const metadata: Metadata = { title: 'Join a community' };

export default function JoinPage() {
  return <JoinScreen />;
}
