// A member without a browser: the project's own client engine in the test process (engine-runner.ts, as the
// integration tests run it) against the same server, to set up in seconds what would take a person hundreds of clicks.
// The screens under test stay in Chromium; this member only writes, through the engine's public API.
import { randomBytes } from 'node:crypto';
import { generateIdentity } from '../../lib/crypto';
import type { Engine } from '../../lib/client/engine/engine';
import { SessionGrant, type SignUpRequest } from '../../lib/protocol/api';
import { toBase64url } from '../../lib/protocol/base64url';
import { startDevice } from '../integration/helpers/engine-runner';

const b64 = (n: number): string => toBase64url(new Uint8Array(randomBytes(n)));

/**
 * Signs a new account up through the API and starts its engine. The server never opens backups or checks the KDF
 * output, so random bytes stand in for them; the signing and box keys are real, as the engine signs and seals.
 */
export async function engineMember(baseURL: string, name: string): Promise<{ engine: Engine; stop(): Promise<void> }> {
  const identity = generateIdentity();
  const signUp: SignUpRequest = {
    handle: `engine_${randomBytes(4).toString('hex')}`,
    displayName: name,
    deviceName: 'Test engine',
    signingPublicKey: toBase64url(identity.signing.publicKey),
    boxPublicKey: toBase64url(identity.box.publicKey),
    kdf: { algorithm: 'PBKDF2-SHA256', iterations: 600_000, salt: b64(16) },
    authKey: b64(32),
    recoveryAuthKey: b64(32),
    passphraseBackup: b64(24 + 16 + 96),
    recoveryBackup: b64(24 + 16 + 96),
  };
  const response = await fetch(`${baseURL}/api/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signUp) });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const grant = SessionGrant.parse(await response.json());

  const origin = new URL(baseURL).origin;
  const server = { url: origin, wsUrl: origin.replace(/^http/, 'ws'), origin };
  const { engine } = await startDevice(server, { name, identity, account: grant.account, token: grant.token });
  await engine.start();
  return { engine, stop: () => engine.stop() };
}
