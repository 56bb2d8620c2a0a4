// Structured JSON logs, one line per event. Bodies, tokens, tickets and keys never reach a log:
// callers pass only the fields below, and any field whose name looks like a secret is redacted.
import { z } from 'zod';

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

export type LogSink = (line: string) => void;
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. a request id). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Defence in depth: a careless `log.info('x', { token })` prints [redacted], not the secret.
const SECRET_FIELD = /token|ticket|auth.?key|passphrase|backup|secret|password|salt|hash|body|authorization|cookie/i;

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(line + '\n');
};

export function createLogger(options: { level: LogLevel; sink?: LogSink; fields?: LogFields }): Logger {
  const sink = options.sink ?? stdoutSink;
  const threshold = RANK[options.level];
  const base = options.fields ?? {};

  const write = (level: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields | undefined): void => {
    if (RANK[level] < threshold) return;
    const line: LogFields = { level, msg };
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      if (key === 'level' || key === 'msg') continue;
      line[key] = SECRET_FIELD.test(key) ? '[redacted]' : serialise(value);
    }
    line.time = new Date().toISOString();
    try {
      sink(JSON.stringify(line));
    } catch (error) {
      // A broken sink must not take a request down with it.
      process.stderr.write(`log sink failed: ${String(error)}\n`);
    }
  };

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ level: options.level, sink, fields: { ...base, ...fields } }),
  };
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}
