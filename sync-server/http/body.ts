// Reads a JSON request body with a hard size cap. Returns a value, never throws for bad input.
import type { IncomingMessage } from 'node:http';

export type BodyFailure = 'request.too_large' | 'request.unsupported_media_type' | 'request.malformed_json';

/** `undefined` when the request carried no body at all. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; code: BodyFailure };

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return { ok: false, code: 'request.too_large' };

  const raw = await readCapped(req, limit);
  if (raw === null) return { ok: false, code: 'request.too_large' };
  if (raw.length === 0) return { ok: true, value: undefined };
  if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) return { ok: false, code: 'request.unsupported_media_type' };
  try {
    return { ok: true, value: JSON.parse(utf8.decode(raw)) as unknown };
  } catch {
    // Invalid UTF-8 or invalid JSON: the caller answers 400 request.malformed_json.
    return { ok: false, code: 'request.malformed_json' };
  }
}

/** The whole body, or null as soon as it passes `limit` (the rest is left unread). */
function readCapped(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (value: Buffer | null): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onEnd);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    // An aborted upload ends the read; the response goes nowhere, which is fine.
    req.on('error', onEnd);
  });
}
