// `npm start`: build the export and service worker when missing or stale, then run the server,
// which applies migrations before it listens.
import { buildApp } from './build-app';

await buildApp({ ifStale: true });
await import('../sync-server/main');
