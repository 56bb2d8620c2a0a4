// The committed migrations under drizzle/ describe exactly the Drizzle schema the server queries with: a column
// added to sync-server/db/*.ts without `npm run db:generate` fails here instead of at a user's first request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import config from '../../drizzle.config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRIZZLE = join(ROOT, 'drizzle');

describe('drizzle/ migrations', () => {
  it('need no further statement to reach the schema in sync-server/db', async () => {
    const journal = JSON.parse(readFileSync(join(DRIZZLE, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ idx: number }> };
    const last = journal.entries.at(-1)!.idx;
    const committed = JSON.parse(readFileSync(join(DRIZZLE, `meta/${String(last).padStart(4, '0')}_snapshot.json`), 'utf8'));
    // The schema files drizzle-kit generates from, as its config names them.
    const files = [config.schema ?? []].flat();
    expect(files.length).toBeGreaterThan(0);
    const tables = Object.assign({}, ...(await Promise.all(files.map((file) => import(join(ROOT, file))))));
    const current = await generateSQLiteDrizzleJson(tables);
    expect(await generateSQLiteMigration(committed, current)).toEqual([]);
  });
});
