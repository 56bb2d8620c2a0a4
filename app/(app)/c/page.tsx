import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StatusNotice } from '../../_components/notice';
import { ConversationScreen } from './conversation-screen';

export const metadata: Metadata = { title: 'Conversation' };

// A static export has no dynamic routes: the conversation id comes as `?id=`, read in the browser.
export default function ConversationPage() {
  return (
    <Suspense fallback={<StatusNotice busy>Opening the conversation…</StatusNotice>}>
      <ConversationScreen />
    </Suspense>
  );
}
