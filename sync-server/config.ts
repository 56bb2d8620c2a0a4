// The server's configuration, parsed once from the environment by the entry point and passed down.
import { z } from 'zod';
import { LogLevel } from './log';

const OriginList = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const origins: string[] = [];
    for (const part of (text ?? '').split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const origin = originOf(trimmed);
      if (origin === null) {
        ctx.addIssue({ code: 'custom', message: `not an http(s) origin: ${trimmed}` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

export const Config = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    /** Where browsers reach us; defaults to http://localhost:<port> once the port is known. */
    PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .transform((url) => (url === undefined ? undefined : (originOf(url) ?? undefined))),
    LOG_LEVEL: LogLevel.default('info'),
    STATIC_DIR: z.string().min(1).default('./out'),
    /** Sign-ups allowed per remote address per hour (many test users share 127.0.0.1). */
    SIGNUPS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
    /** Extra origins allowed to open sync sockets, comma separated (e.g. a dev server). */
    ALLOWED_ORIGINS: OriginList,
  })
  .transform((env) => ({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.DATA_DIR,
    publicUrl: env.PUBLIC_URL,
    logLevel: env.LOG_LEVEL,
    staticDir: env.STATIC_DIR,
    signUpsPerHour: env.SIGNUPS_PER_HOUR,
    allowedOrigins: env.ALLOWED_ORIGINS,
  }));
export type Config = z.output<typeof Config>;

/** `scheme://host[:port]` of an http(s) URL, or null. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin;
  } catch {
    // Not a URL at all: the caller reports it as a configuration error.
    return null;
  }
}
