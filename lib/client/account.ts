// Account operations on this device: sign up, sign in (passphrase or recovery key), sign out,
// sessions, profile and passphrase change, account deletion. Key derivation and wrapping come from lib/crypto;
// here they meet the API and the keyring. Derived keys are zeroed as soon as they are used.
import {
  decodeIdentitySecrets,
  deriveRecoveryKeys,
  derivePassphraseKeys,
  encodeIdentitySecrets,
  formatRecoveryKey,
  generateIdentity,
  generateRecoveryKey,
  newKdfParams,
  ownFingerprint,
  parseRecoveryKey,
  unwrapBackup,
  wrapBackup,
  type Identity,
} from '../crypto';
import { DisplayName, Handle, type KdfParams, type SessionGrant, type SessionInfo } from '../protocol/api';
import { fromBase64url, toBase64url } from '../protocol/base64url';
import { assert, fail, ok } from '../protocol/errors';
import type { ClientResult } from './client-errors';
import type { SessionControl } from './client';
import { estimatePassphraseStrength } from './passphrase-strength';

export interface SignUpInput {
  handle: string;
  displayName: string;
  passphrase: string;
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService(session: SessionControl) {
  const { api, random } = session;

  /** Opens the backup a grant carries and makes the device signed in; a bad backup leaves no session behind. */
  async function adopt(grant: SessionGrant, wrapKey: Uint8Array): Promise<ClientResult<void>> {
    const secrets = unwrapBackup(bytes(grant.backup), wrapKey);
    wrapKey.fill(0);
    const identity = secrets === null ? null : decodeIdentitySecrets(secrets);
    if (secrets === null || identity === null || !matchesAccount(identity, grant)) {
      // The server accepted the key but the backup does not open to this account's keys: do not
      // keep a session this device cannot use.
      await api.signOutCurrent(grant.token);
      return fail('backup.unreadable');
    }
    await session.begin(
      {
        account: grant.account,
        identitySecrets: secrets,
        session: { token: grant.token, sessionId: grant.sessionId, expiresAt: grant.expiresAt },
        deviceName: session.deviceName,
      },
      identity,
    );
    return ok(undefined);
  }

  /**
   * Signs this device out and wipes everything local. Offline, the wipe still happens; `serverNotified`
   * says whether the server ended the session too (otherwise it expires or is revoked from elsewhere).
   */
  async function signOut(): Promise<ClientResult<{ serverNotified: boolean }>> {
    const result = await api.signOutCurrent();
    await session.end('signed-out');
    return ok({ serverNotified: result.ok });
  }

  function signedIn() {
    const current = session.current();
    return current === null ? fail('session.none' as const) : ok(current);
  }

  return {
    /** Returns the formatted recovery key; it is never stored and cannot be shown again. */
    async signUp(input: SignUpInput): Promise<ClientResult<{ recoveryKey: string }>> {
      if (session.current() !== null) return fail('session.already_signed_in');
      const handle = Handle.safeParse(normalizeHandle(input.handle));
      if (!handle.success) return fail('input.handle_invalid');
      const displayName = DisplayName.safeParse(input.displayName);
      if (!displayName.success) return fail('input.display_name_invalid');
      if (!estimatePassphraseStrength(input.passphrase, [handle.data, displayName.data]).acceptable) {
        return fail('passphrase.too_weak');
      }

      const identity = generateIdentity(random);
      const secrets = encodeIdentitySecrets(identity);
      const kdf = newKdfParams(random);
      const passphraseKeys = await derivePassphraseKeys(input.passphrase, kdf.salt, kdf.iterations);
      const recoveryKey = generateRecoveryKey(random);
      const recoveryKeys = await deriveRecoveryKeys(recoveryKey);

      const result = await api.signUp({
        handle: handle.data,
        displayName: displayName.data,
        deviceName: session.deviceName,
        signingPublicKey: toBase64url(identity.signing.publicKey),
        boxPublicKey: toBase64url(identity.box.publicKey),
        kdf: kdfToWire(kdf),
        authKey: toBase64url(passphraseKeys.authKey),
        recoveryAuthKey: toBase64url(recoveryKeys.authKey),
        passphraseBackup: toBase64url(wrapBackup(secrets, passphraseKeys.wrapKey, random)),
        recoveryBackup: toBase64url(wrapBackup(secrets, recoveryKeys.wrapKey, random)),
      });
      for (const key of [passphraseKeys.authKey, passphraseKeys.wrapKey, recoveryKeys.authKey, recoveryKeys.wrapKey]) key.fill(0);
      const formatted = formatRecoveryKey(recoveryKey);
      recoveryKey.fill(0);
      if (!result.ok) return result;

      await session.begin(
        {
          account: result.value.account,
          identitySecrets: secrets,
          session: { token: result.value.token, sessionId: result.value.sessionId, expiresAt: result.value.expiresAt },
          deviceName: session.deviceName,
        },
        identity,
      );
      return ok({ recoveryKey: formatted });
    },

    async signIn(handleText: string, passphrase: string): Promise<ClientResult<void>> {
      if (session.current() !== null) return fail('session.already_signed_in');
      const handle = Handle.safeParse(normalizeHandle(handleText));
      if (!handle.success) return fail('input.handle_invalid');
      const kdf = await api.kdf(handle.data);
      if (!kdf.ok) return kdf;
      const keys = await derivePassphraseKeys(passphrase, bytes(kdf.value.kdf.salt), kdf.value.kdf.iterations);
      const grant = await api.signIn({ handle: handle.data, authKey: toBase64url(keys.authKey), deviceName: session.deviceName });
      keys.authKey.fill(0);
      if (!grant.ok) {
        keys.wrapKey.fill(0);
        return grant;
      }
      return adopt(grant.value, keys.wrapKey);
    },

    async signInWithRecoveryKey(handleText: string, recoveryKeyText: string): Promise<ClientResult<void>> {
      if (session.current() !== null) return fail('session.already_signed_in');
      const handle = Handle.safeParse(normalizeHandle(handleText));
      if (!handle.success) return fail('input.handle_invalid');
      const recoveryKey = parseRecoveryKey(recoveryKeyText);
      if (recoveryKey === null) return fail('recovery_key.malformed');
      const keys = await deriveRecoveryKeys(recoveryKey);
      recoveryKey.fill(0);
      const grant = await api.signInWithRecovery({
        handle: handle.data,
        recoveryAuthKey: toBase64url(keys.authKey),
        deviceName: session.deviceName,
      });
      keys.authKey.fill(0);
      if (!grant.ok) {
        keys.wrapKey.fill(0);
        return grant;
      }
      return adopt(grant.value, keys.wrapKey);
    },

    signOut,

    /** Ends every session of the account. Nothing is wiped unless the server confirmed. */
    async signOutEverywhere(): Promise<ClientResult<void>> {
      const result = await api.revokeAllSessions();
      if (!result.ok) return result;
      await session.end('signed-out');
      return ok(undefined);
    },

    async listSessions(): Promise<ClientResult<SessionInfo[]>> {
      const result = await api.listSessions();
      return result.ok ? ok(result.value.sessions) : result;
    },

    async revokeSession(sessionId: string): Promise<ClientResult<void>> {
      const current = signedIn();
      if (!current.ok) return current;
      if (sessionId === current.value.contents.session.sessionId) {
        const result = await signOut();
        return result.ok ? ok(undefined) : result;
      }
      const result = await api.revokeSession(sessionId);
      return result.ok ? ok(undefined) : result;
    },

    /** `current` is the current passphrase, or `{ recoveryKey }` for someone who forgot it. */
    async changePassphrase(current: string | { recoveryKey: string }, nextPassphrase: string): Promise<ClientResult<void>> {
      const signed = signedIn();
      if (!signed.ok) return signed;
      const { account } = signed.value.contents;
      if (!estimatePassphraseStrength(nextPassphrase, [account.handle, account.displayName]).acceptable) {
        return fail('passphrase.too_weak');
      }
      let proof: { currentAuthKey: string } | { recoveryAuthKey: string };
      if (typeof current === 'string') {
        const currentKdf = await api.kdf(account.handle);
        if (!currentKdf.ok) return currentKdf;
        const keys = await derivePassphraseKeys(current, bytes(currentKdf.value.kdf.salt), currentKdf.value.kdf.iterations);
        proof = { currentAuthKey: toBase64url(keys.authKey) };
        keys.authKey.fill(0);
        keys.wrapKey.fill(0);
      } else {
        const recoveryKey = parseRecoveryKey(current.recoveryKey);
        if (recoveryKey === null) return fail('recovery_key.malformed');
        const keys = await deriveRecoveryKeys(recoveryKey);
        proof = { recoveryAuthKey: toBase64url(keys.authKey) };
        for (const key of [recoveryKey, keys.authKey, keys.wrapKey]) key.fill(0);
      }
      const kdf = newKdfParams(random);
      const nextKeys = await derivePassphraseKeys(nextPassphrase, kdf.salt, kdf.iterations);
      const backup = wrapBackup(signed.value.contents.identitySecrets, nextKeys.wrapKey, random);
      const result = await api.changePassphrase({
        ...proof,
        kdf: kdfToWire(kdf),
        authKey: toBase64url(nextKeys.authKey),
        passphraseBackup: toBase64url(backup),
      });
      for (const key of [nextKeys.authKey, nextKeys.wrapKey]) key.fill(0);
      return result.ok ? ok(undefined) : result;
    },

    /**
     * Deletes the account on the server (the passphrase proves it is the person, not a stolen session), then wipes
     * this device as sign-out does. A wrong passphrase changes nothing: `auth.invalid_credentials`.
     */
    async deleteAccount(passphrase: string): Promise<ClientResult<void>> {
      const signed = signedIn();
      if (!signed.ok) return signed;
      const kdf = await api.kdf(signed.value.contents.account.handle);
      if (!kdf.ok) return kdf;
      const keys = await derivePassphraseKeys(passphrase, bytes(kdf.value.kdf.salt), kdf.value.kdf.iterations);
      const currentAuthKey = toBase64url(keys.authKey);
      keys.authKey.fill(0);
      keys.wrapKey.fill(0);
      const result = await api.deleteAccount({ currentAuthKey });
      if (!result.ok) return result;
      await session.end('account-deleted');
      return ok(undefined);
    },

    async updateDisplayName(displayNameText: string): Promise<ClientResult<void>> {
      const current = signedIn();
      if (!current.ok) return current;
      const displayName = DisplayName.safeParse(displayNameText);
      if (!displayName.success) return fail('input.display_name_invalid');
      const result = await api.updateProfile({ displayName: displayName.data });
      if (!result.ok) return result;
      await session.updateAccount(result.value);
      return ok(undefined);
    },

    /** The signed-in user's own 30-digit fingerprint, for the Safety number panel. */
    async ownFingerprint(): Promise<ClientResult<string>> {
      const current = signedIn();
      if (!current.ok) return current;
      const { account } = current.value.contents;
      return ok(await ownFingerprint({ id: account.id, signingPublicKey: bytes(account.signingPublicKey) }));
    },
  };
}

/** People type handles with capitals and stray spaces; the server only knows the lowercase form. */
export function normalizeHandle(text: string): string {
  return text.trim().replace(/^@/, '').toLowerCase();
}

function kdfToWire(kdf: { algorithm: 'PBKDF2-SHA256'; iterations: number; salt: Uint8Array }): KdfParams {
  return { algorithm: kdf.algorithm, iterations: kdf.iterations, salt: toBase64url(kdf.salt) };
}

function matchesAccount(identity: Identity, grant: SessionGrant): boolean {
  return (
    toBase64url(identity.signing.publicKey) === grant.account.signingPublicKey &&
    toBase64url(identity.box.publicKey) === grant.account.boxPublicKey
  );
}

/** Only for strings a zod schema has already checked to be base64url. */
function bytes(text: string): Uint8Array {
  const decoded = fromBase64url(text);
  assert(decoded !== null, 'schema-checked base64url decodes');
  return decoded;
}
