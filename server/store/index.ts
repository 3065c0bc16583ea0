// Chooses the store: PostgreSQL when a database URL is given (any number of stateless
// replicas share it), else the embedded directory store (one server process).
import { openDirStore } from './dir.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './types.js';

export type { PutResult, Store, StoredReport } from './types.js';
export { openDirStore } from './dir.js';
// pg itself is loaded only when a PostgreSQL store is opened.
export { openPostgresStore } from './postgres.js';

export interface StoreOptions {
  /** The data directory of the embedded store. */
  data?: string;
  /** `postgres://…` (or `postgresql://…`): the shared PostgreSQL store. */
  database?: string;
}

export async function openStore(o: StoreOptions): Promise<Store> {
  if (o.database) return openPostgresStore(o.database);
  if (!o.data) throw new Error('no store: give --data <dir> or --database <url>');
  return openDirStore(o.data);
}
