// `npm run build`: the static export and its service worker. `--if-stale` skips an up-to-date build.
import { buildApp } from './build-app';

buildApp({ ifStale: process.argv.includes('--if-stale') }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
