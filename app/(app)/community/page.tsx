import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StatusNotice } from '../../_components/notice';
import { CommunityScreen } from './community-screen';

export const metadata: Metadata = { title: 'Community' };

// A static export has no dynamic routes: the community id comes as `?id=`, read in the browser.
export default function CommunityPage() {
  return (
    <Suspense fallback={<StatusNotice busy>Opening the community…</StatusNotice>}>
      <CommunityScreen />
    </Suspense>
  );
}
