// A signed-up device running the project's own client engine in Node (engine-runner.ts) against the real test
// server.
import { randomBytes } from 'node:crypto';
import { generateIdentity } from '../../../lib/crypto';
import { SessionGrant } from '../../../lib/protocol/api';
import { toBase64url } from '../../../lib/protocol/base64url';
import { call } from './api';
import { startDevice, type Device } from './engine-runner';
import type { TestServer } from './server';
import { signUpRequest } from './users';

export { eventually, startDevice, type Device } from './engine-runner';

export async function makeDevice(
  server: Pick<TestServer, 'url' | 'wsUrl' | 'origin'>,
  name: string,
  options: { compactAt?: number } = {},
): Promise<Device> {
  const identity = generateIdentity();
  const { request, authKey } = signUpRequest({
    handle: `${name}_${randomBytes(4).toString('hex')}`,
    displayName: name[0]!.toUpperCase() + name.slice(1),
    signingPublicKey: toBase64url(identity.signing.publicKey),
    boxPublicKey: toBase64url(identity.box.publicKey),
  });
  const response = await call(server, 'POST', '/api/accounts', { json: request });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.text}`);
  const grant = SessionGrant.parse(response.body);

  const device = await startDevice(server, { name, identity, account: grant.account, token: grant.token }, options);
  device.authKey = authKey;
  return device;
}
