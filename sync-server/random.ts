// Randomness is passed in like the clock, so tests can reproduce what the server made.
import { randomBytes } from 'node:crypto';

export type RandomBytes = (n: number) => Uint8Array;

export const nodeRandom: RandomBytes = (n) => new Uint8Array(randomBytes(n));
