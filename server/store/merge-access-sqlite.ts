// The merge worker's connection to the embedded store: read-only, opened in the merge worker's
// own thread (the binding is synchronous: it blocks that thread, never the server's). WAL mode
// lets it read beside the writer; being read-only it never takes SQLite's write lock, so an
// upload's batch never waits behind the merge. Each page is its own short read, so no read
// holds a snapshot (and the WAL's checkpoint) for the whole day. Published files are the plain
// files beside the database (published.ts); only the merge writes them, under the merge lock.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { checkDay } from './names.js';
import { publishedFiles } from './published.js';
import { DATABASE_FILE } from './sqlite.js';
import type { MergeAccess, StoredReport } from './types.js';

/** The writer's binding (worker-client.ts), here loaded in the merge worker. */
const BINDING = '@photostructure/sqlite';
/** Rows per read: the merge holds one page of bodies at a time. */
const PAGE = 500;
// The same order as the writer's `page` (sqlite-worker.ts), so both paths publish the same bytes.
const PAGE_SQL =
  'SELECT week, x, body FROM tt_reports WHERE day = ? AND body IS NOT NULL ' +
  'AND (week, x) > (?, ?) ORDER BY week, x LIMIT ?';

interface Statement {
  all(...params: unknown[]): unknown[];
}
interface ReadDatabase {
  prepare(sql: string): Statement;
  close(): void;
}
type Binding = { DatabaseSync: new (file: string, options: object) => ReadDatabase };
type Row = { week: string; x: string; body: string };

export function openSqliteAccess(root: string): MergeAccess {
  const binding = createRequire(import.meta.url)(BINDING) as Binding;
  const file = join(root, DATABASE_FILE);
  let db: ReadDatabase;
  try {
    db = new binding.DatabaseSync(file, { readOnly: true, timeout: 10_000 });
  } catch (error) {
    throw new Error(`store ${file}: the merge cannot open it to read: ${(error as Error).message}`);
  }
  const page = db.prepare(PAGE_SQL);
  const published = publishedFiles(root);
  return {
    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      checkDay(day);
      let after = { week: '', x: '' };
      for (;;) {
        const rows = page.all(day, after.week, after.x, PAGE) as Row[];
        for (const row of rows) yield { week: row.week, x: row.x, day, body: row.body };
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!;
      }
    },
    putPublished: (name, bytes) => published.put(name, bytes),
    getPublished: (name) => published.get(name),
    listPublished: (prefix) => published.list(prefix),
    close: async () => db.close(),
  };
}
