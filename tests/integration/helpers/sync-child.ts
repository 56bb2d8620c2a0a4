// Runs the real entry point (sync-server/main.ts) as a child process, so a test can kill it with SIGKILL.
// `node --import tsx` rather than the tsx binary: the binary forks a second process and a SIGKILL to it
// would leave the server itself running.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ChildServer {
  url: string;
  wsUrl: string;
  origin: string;
  port: number;
  dataDir: string;
  /** Every stdout and stderr line, in order (the server logs JSON lines). */
  logs: string[];
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startChildServer(dataDir: string, timeoutMs = 30_000): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'sync-server/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      // No export there: pages answer 503, the API and sockets work.
      STATIC_DIR: join(dataDir, 'no-export'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not log "listening" within ${timeoutMs} ms:\n${logs.join('\n')}`));
    }, timeoutMs);
    const onLine = (line: string): void => {
      logs.push(line);
      let parsed: { msg?: unknown; port?: unknown } | undefined;
      try {
        parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
      } catch {
        // Not a log line (e.g. a Node warning): kept in `logs`, nothing to parse.
        return;
      }
      if (parsed.msg === 'listening' && typeof parsed.port === 'number') {
        clearTimeout(timer);
        resolve(parsed.port);
      }
    };
    lines(child.stdout!, onLine);
    lines(child.stderr!, onLine);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (${code ?? signal}):\n${logs.join('\n')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    logs,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part !== '') onLine(part);
  });
}
