// `npm run lint`: the import boundaries of style.md ("a folder is a runtime and a responsibility")
// and a few house rules that a type checker cannot see. Prints `file:line rule: detail` and exits 1 on any finding.
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

interface Room {
  /** Folder prefix relative to the root. */
  folder: string;
  /** Folders (relative to root) this room may not import from. */
  forbidden: string[];
  nodeBuiltins: boolean;
  domGlobals: boolean;
  /** `Date.now()` / `Math.random()`: the clock and randomness are passed in. */
  ambientTimeAndRandom: boolean;
}

const ROOMS: Room[] = [
  { folder: 'lib/crypto', forbidden: ['app', 'sync-server', 'lib/client', 'lib/docs'], nodeBuiltins: false, domGlobals: false, ambientTimeAndRandom: false },
  { folder: 'lib/protocol', forbidden: ['app', 'sync-server', 'lib/client', 'lib/docs'], nodeBuiltins: false, domGlobals: false, ambientTimeAndRandom: false },
  { folder: 'lib/docs', forbidden: ['app', 'sync-server', 'lib/client'], nodeBuiltins: false, domGlobals: false, ambientTimeAndRandom: false },
  { folder: 'lib/client', forbidden: ['app', 'sync-server'], nodeBuiltins: false, domGlobals: true, ambientTimeAndRandom: false },
  { folder: 'app', forbidden: ['sync-server'], nodeBuiltins: false, domGlobals: true, ambientTimeAndRandom: true },
  { folder: 'sync-server', forbidden: ['app', 'lib/client'], nodeBuiltins: true, domGlobals: false, ambientTimeAndRandom: true },
];

/** Where reading the environment is allowed: entry points and tooling, never library code. */
const ENV_READERS = [/^sync-server\/(main|config)\.ts$/, /^scripts\//, /^tests\//, /^bench\//, /^[^/]+\.config\.ts$/];

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'out' || name === 'data') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
const DOM = /\b(window|document|localStorage|sessionStorage|navigator)\s*\./;

const findings: string[] = [];
const report = (file: string, line: number, rule: string, detail: string) => findings.push(`${file}:${line} ${rule}: ${detail}`);

for (const absolute of sourceFiles(ROOT)) {
  const file = relative(ROOT, absolute).replaceAll('\\', '/');
  const text = readFileSync(absolute, 'utf8');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const room = ROOMS.find((r) => file.startsWith(`${r.folder}/`));
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, (m) => m.replace(/[^\n]/g, ' '));
  // Words inside strings ("the document") are not uses of a global.
  const bare = code.replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, (m) => m.replace(/[^\n]/g, ' '));

  if (/process\.env\b/.test(bare) && !ENV_READERS.some((re) => re.test(file))) {
    const allowed = file.startsWith('app/') && /process\.env\.(NODE_ENV|NEXT_PUBLIC_[A-Z_]+)/.test(code) && !/process\.env\.(?!NODE_ENV|NEXT_PUBLIC_)/.test(code);
    if (!allowed) report(file, lineOf(code.search(/process\.env/)), 'no-env-read', 'configuration is parsed once in the entry point and passed down');
  }
  if (/\b(it|test|describe)\.only\(/.test(code)) report(file, lineOf(code.search(/\.only\(/)), 'no-focused-test', '.only hides the rest of the suite');
  if (!room) continue;

  for (const match of code.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec) continue;
    const line = lineOf(match.index ?? 0);
    if (!room.nodeBuiltins && NODE_BUILTINS.has(spec)) report(file, line, 'runtime-boundary', `${room.folder} runs outside Node and may not import '${spec}'`);
    if (spec.startsWith('.')) {
      const target = relative(ROOT, resolve(dirname(absolute), spec)).replaceAll('\\', '/');
      const hit = room.forbidden.find((f) => target === f || target.startsWith(`${f}/`));
      if (hit) report(file, line, 'import-boundary', `${room.folder} may not import from ${hit} ('${spec}')`);
    }
  }
  if (!room.domGlobals) {
    const m = DOM.exec(bare);
    if (m) report(file, lineOf(m.index), 'runtime-boundary', `${room.folder} has no DOM: '${m[1]}' is not available there`);
  }
  // `lib/client/browser-*.ts` are the adapters that make the real clock and randomness for the browser.
  if (!room.ambientTimeAndRandom && !/^lib\/client\/browser-/.test(file)) {
    const m = /\b(Date\.now|Math\.random)\s*\(/.exec(bare);
    if (m) report(file, lineOf(m.index), 'inject-clock-and-random', `${m[1]}() in ${room.folder}: pass a clock or a random source in`);
  }
}

if (findings.length > 0) {
  console.error(findings.join('\n'));
  console.error(`lint: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log('lint: import boundaries and house rules hold');
