// Next's static export bootstraps with inline <script>s. Rather than allow 'unsafe-inline', the CSP
// lists the sha256 of each one, computed here at start-up from the exported HTML files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const HAS_SRC = /\ssrc\s*=/i;

/** CSP source expressions (`'sha256-...'`) for every distinct inline script under `dir`. */
export function inlineScriptHashes(dir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(dir)) {
    for (const hash of hashesInHtml(readFileSync(file, 'utf8'))) hashes.add(hash);
  }
  return [...hashes].sort();
}

export function hashesInHtml(html: string): string[] {
  const out: string[] = [];
  for (const match of html.matchAll(SCRIPT)) {
    const attributes = match[1] ?? '';
    const content = match[2] ?? '';
    if (HAS_SRC.test(` ${attributes}`) || content === '') continue;
    out.push(`'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`);
  }
  return out;
}

function htmlFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    // No export yet: no inline scripts to allow.
    return [];
  }
  return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).map((e) => join(e.parentPath, e.name));
}
