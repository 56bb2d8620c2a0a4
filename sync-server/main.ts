// Entry point: parse the environment once, open the database (migrating it), serve, and shut down
// gracefully on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { systemClock } from './clock';
import { Config } from './config';
import { openDatabase } from './db/open';
import { createLogger } from './log';
import { createSyncServer } from './server';

const PackageJson = z.object({ version: z.string() });

async function main(): Promise<void> {
  const parsed = Config.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    process.stderr.write(JSON.stringify({ level: 'error', msg: 'invalid configuration', issues }) + '\n');
    process.exit(1);
  }
  const config = parsed.data;
  const log = createLogger({ level: config.logLevel });
  const version = PackageJson.parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

  const db = openDatabase(config.dataDir);
  const server = createSyncServer({
    db,
    config,
    clock: systemClock,
    log,
    version,
    limits: { signUpPerAddress: { capacity: config.signUpsPerHour, windowMs: 60 * 60 * 1000 } },
  });
  const port = await server.listen();
  log.info('listening', { port, host: config.host, url: server.publicOrigin(), dataDir: config.dataDir, version });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    server
      .close()
      .then(() => {
        db.close();
        log.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (error) => {
    log.error('uncaught exception', { error });
    stop('uncaughtException');
  });
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error }));
}

main().catch((error: unknown) => {
  process.stderr.write(JSON.stringify({ level: 'error', msg: 'failed to start', error: String(error) }) + '\n');
  process.exit(1);
});
