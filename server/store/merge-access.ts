// The merge worker's own way into the store (docs/collector-limits.md, the merge worker): it
// reads a day's reports and reads and writes the published files itself, so that no report and
// no published file crosses the thread that answers uploads. What changes the reports' rows
// (a day marked merged, bodies dropped) still goes through the store the server holds: for
// SQLite that is the one writer, whose short transactions interleave with the uploads' batches.
import { openPostgresAccess } from './merge-access-postgres.js';
import { openSqliteAccess } from './merge-access-sqlite.js';
import type { MergeAccess, StoreLocation } from './types.js';

export type { MergeAccess };

export async function openMergeAccess(where: StoreLocation): Promise<MergeAccess> {
  return where.kind === 'sqlite' ? openSqliteAccess(where.root) : openPostgresAccess(where.url);
}
