import type { Metadata } from 'next';
import { DeleteAccountSection } from './delete-account-section';
import { ExportSection } from './export-section';
import { PassphraseSection } from './passphrase-section';
import { PrivacySection } from './privacy-section';
import { ProfileSection } from './profile-section';
import { SafetyNumberSection } from './safety-number-section';
import { SessionsSection } from './sessions-section';

export const metadata: Metadata = { title: 'Settings' };

export default function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <div className="settings-grid">
        <ProfileSection />
        <SafetyNumberSection />
        <PrivacySection />
        <SessionsSection />
        <PassphraseSection />
        <ExportSection />
        <DeleteAccountSection />
      </div>
    </>
  );
}
