import type { Metadata } from 'next';
import { ConversationsScreen } from './conversations-screen';

export const metadata: Metadata = { title: 'Conversations' };

export default function ConversationsPage() {
  return <ConversationsScreen />;
}
