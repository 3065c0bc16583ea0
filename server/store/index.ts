// Chooses the store: PostgreSQL when a database URL is given (any number of stateless
// replicas share it), else the embedded SQLite store in a data directory.
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { MergeAccess, PutResult, Store, StoreLocation, StoredReport } from './types.js';
export { openMergeAccess } from './merge-access.js';
export { DATABASE_FILE, OLD_LAYOUT, openSqliteStore, type SqliteOptions } from './sqlite.js';
export { importDir, type ImportResult } from './import-dir.js';
// pg itself is loaded only when a PostgreSQL store is opened.
export { openPostgresStore } from './postgres.js';

export interface StoreOptions {
  /** The data directory of the embedded store. */
  data?: string;
  /** `postgres://…` (or `postgresql://…`): the shared PostgreSQL store. */
  database?: string;
  /** The SQLite store's commit sync (sqlite.ts); PostgreSQL follows its server's settings. */
  sync?: 'full' | 'normal';
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.database) return openPostgresStore(options.database);
  if (!options.data) throw new Error('no store: give --data <dir> or --database <url>');
  return openSqliteStore(options.data, { sync: options.sync });
}
