// Serves the Next static export from STATIC_DIR: directories as index.html, `/c` redirected to `/c/`,
// no path escapes the root, HTML and sw.js revalidated, hashed assets cached forever.
import { createReadStream, existsSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.xml': 'application/xml; charset=utf-8',
};

const NO_BUILD_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Has-Needs: not built yet</title>
<h1>The app has not been built yet</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds when needed) and restart the server.</p></html>`;

export interface StaticSite {
  /** True when STATIC_DIR held an export at start-up. */
  built: boolean;
  /** Answers GET and HEAD; returns the status it sent. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, search: string): number;
}

export function createStaticSite(staticDir: string): StaticSite {
  const root = resolve(staticDir);
  const built = existsSync(join(root, 'index.html'));
  const notFoundPage = join(root, '404.html');

  const sendText = (res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}) => {
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(res.req.method === 'HEAD' ? undefined : text);
    return status;
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string, stats: Stats, status: number, pathname: string) => {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', cacheControl(pathname));
    res.setHeader('ETag', etag);
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return 304;
    }
    res.statusCode = status;
    res.setHeader('Content-Length', stats.size);
    if (req.method === 'HEAD') {
      res.end();
      return status;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return status;
  };

  const notFound = (req: IncomingMessage, res: ServerResponse): number => {
    const stats = fileStats(notFoundPage);
    if (stats !== null) return sendFile(req, res, notFoundPage, stats, 404, '/404.html');
    return sendText(res, 404, 'text/plain; charset=utf-8', 'Not found.\n');
  };

  return {
    built,
    serve(req, res, pathname, search) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendText(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n', { Allow: 'GET, HEAD' });
      }
      if (!built) return sendText(res, 503, 'text/html; charset=utf-8', NO_BUILD_PAGE);

      const file = resolveInside(root, pathname);
      if (file === null) return notFound(req, res);
      const stats = fileStats(file);
      if (stats?.isDirectory()) {
        // Relative links in an exported page assume the trailing slash.
        if (!pathname.endsWith('/')) return redirect(res, `${pathname}/${search}`);
        const index = join(file, 'index.html');
        const indexStats = fileStats(index);
        return indexStats === null ? notFound(req, res) : sendFile(req, res, index, indexStats, 200, pathname);
      }
      if (stats?.isFile()) return sendFile(req, res, file, stats, 200, pathname);
      const html = `${file}.html`;
      const htmlStats = fileStats(html);
      return htmlStats?.isFile() ? sendFile(req, res, html, htmlStats, 200, pathname) : notFound(req, res);
    },
  };
}

/** The file a URL path names, or null if it is malformed or would leave the root. */
function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed %-escape names no file.
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const file = resolve(root, `.${decoded}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

function fileStats(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    // Missing or unreadable: the caller answers 404.
    return null;
  }
}

function cacheControl(pathname: string): string {
  // Next puts a content hash in every /_next/static name; everything else (HTML, sw.js, the
  // manifest, icons) is revalidated so a new deploy is picked up at once.
  return pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function redirect(res: ServerResponse, location: string): number {
  res.statusCode = 308;
  res.setHeader('Location', location);
  res.setHeader('Content-Length', 0);
  res.end();
  return 308;
}
