// The IPC messages between the benchmark and its server process.
import type { CommitItem } from '../../sync-server/sync/doc-store';

export interface SeedAccount {
  id: string;
  handle: string;
  /** base64url, 32 bytes. */
  signingPublicKey: string;
  boxPublicKey: string;
}

export interface SeedDoc {
  id: string;
  /** The first member is the creator. */
  members: string[];
}

export interface ChildStats {
  cpuUs: number;
  wallMs: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

export interface StorageReport {
  updateRows: number;
  updateBytes: number;
  signatureRows: number;
  signatureBytes: number;
  clientRows: number;
  /** SQLite pages per table and index (dbstat), when available. */
  pages: Record<string, number>;
}

export type ChildCommand = { id: number } & (
  | { type: 'stats' }
  | { type: 'reset' }
  | { type: 'gc' }
  | { type: 'exit' }
  | { type: 'seed'; accounts: SeedAccount[]; docs: SeedDoc[] }
  | { type: 'tickets'; accountIds: string[] }
  | { type: 'commit'; items: CommitItem[] }
  | { type: 'community-members'; communityId: string; addedBy: string; accountIds: string[] }
  | { type: 'storage'; docId: string }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
);

export type ChildMessage = { type: 'ready'; port: number } | { type: 'reply'; id: number; value: unknown; error?: string };
