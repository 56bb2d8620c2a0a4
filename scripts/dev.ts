// `npm run dev`: the sync server on PORT (default 3000) and `next dev` on 3001 for the screens, with
// hot reload. next dev forwards /api to the server; sockets go to it directly (NEXT_PUBLIC_SYNC_ORIGIN).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? 3000);
const devPort = port + 1;
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

const server = spawn(join('node_modules', '.bin', 'tsx'), ['watch', 'sync-server/main.ts'], {
  stdio: 'inherit',
  env: { ...env, PORT: String(port), PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${devPort}` },
});
const next = spawn(join('node_modules', '.bin', 'next'), ['dev', '-p', String(devPort)], {
  stdio: 'inherit',
  env: { ...env, DEV_API_ORIGIN: `http://localhost:${port}`, NEXT_PUBLIC_SYNC_ORIGIN: `ws://localhost:${port}` },
});
console.log(`dev: screens on http://localhost:${devPort}, API and sockets on http://localhost:${port}`);

const stop = () => {
  server.kill('SIGTERM');
  next.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of [server, next]) child.on('exit', stop);
