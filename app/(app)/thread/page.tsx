import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StatusNotice } from '../../_components/notice';
import { ThreadScreen } from './thread-screen';

export const metadata: Metadata = { title: 'Thread' };

// A static export has no dynamic routes: the thread id comes as `?id=`, read in the browser.
export default function ThreadPage() {
  return (
    <Suspense fallback={<StatusNotice busy>Opening the thread…</StatusNotice>}>
      <ThreadScreen />
    </Suspense>
  );
}
