// The publication mode a store was first served or merged in, recorded in the store itself, so
// a later `merge` or `serve` given another --publish cannot publish what the first promised
// never to: a raw merge of a store served in aggregates mode would publish every report.
// Kept under `state/`, which the public pages never serve; both stores hold it the same way.
import type { PublishMode } from '../merge/index.js';
import type { Store } from '../store/index.js';
import { CliError } from './common.js';

const RECORD = 'state/publication.json';

/** The mode recorded in the store, or null when no `serve` or `merge` has used it yet. */
export async function recordedMode(store: Store, where: string): Promise<PublishMode | null> {
  const bytes = await store.getPublished(RECORD);
  if (!bytes) return null;
  const j = JSON.parse(Buffer.from(bytes).toString('utf8')) as { publish?: unknown };
  if (j.publish !== 'raw' && j.publish !== 'aggregates') {
    throw new CliError(`${where}: ${RECORD} does not name a publication mode`);
  }
  return j.publish;
}

/**
 * Records `mode` on first use; refuses a store recorded with another mode, naming it and the
 * way on, since switching mid-way breaks the promise the /privacy page made to every client.
 */
export async function holdMode(store: Store, where: string, mode: PublishMode): Promise<void> {
  const recorded = await recordedMode(store, where);
  if (recorded === null) {
    await store.putPublished(RECORD, Buffer.from(JSON.stringify({ publish: mode }) + '\n'));
    return;
  }
  if (recorded !== mode) {
    throw new CliError(`${where} is recorded for --publish ${recorded}, not --publish ${mode}: `
      + `give --publish ${recorded} (merge may omit it), or start a new store for ${mode}`);
  }
}

/** How a store is named in messages: its directory or its URL without a password. */
export function storeName(o: { data?: string | undefined; database?: string | undefined }): string {
  if (o.database) return `store ${o.database.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`;
  return `store ${o.data ?? 'telemetry-data'}`;
}
