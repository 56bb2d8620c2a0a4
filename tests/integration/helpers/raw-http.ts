// A raw node:http request for cases fetch cannot make: a lying Content-Length, a body the server
// refuses before it is sent, chunked uploads. Resolves on the response even if the upload breaks.
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export function rawRequest(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: (string | Uint8Array)[] },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url + options.path, { method: options.method, headers: options.headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: keep the text.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      // The server may close the connection after answering; only a missing answer is a failure.
      if (!answered) reject(error);
    });
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}
