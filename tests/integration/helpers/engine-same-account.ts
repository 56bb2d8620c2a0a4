// More engines for an account that already exists: a second device of the same person (its own local
// databases), or the same device started again on its existing databases (a reload), online or not.
import { startDevice, type Device } from './engine-device';
import type { TestServer } from './server';

export interface SameAccountDevice extends Device {
  /** The engine's IndexedDB database name: start another engine on it to simulate a reload. */
  dbName: string;
}

export async function deviceOf(
  server: Pick<TestServer, 'url' | 'wsUrl' | 'origin'>,
  name: string,
  who: Pick<Device, 'identity' | 'account' | 'token'>,
  options: { dbName?: string; online?: boolean } = {},
): Promise<SameAccountDevice> {
  return startDevice(server, { name, ...who }, options);
}
