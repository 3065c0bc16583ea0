// The publication mode a store was first served or merged in, recorded in the store itself, so
// a later `merge` or `serve` given another --publish cannot publish what the first promised
// never to: a raw merge of a store served in aggregates mode would publish every report.
// Kept under `state/`, which the public pages never serve; both stores hold it the same way.
import type { PublishMode } from '../merge/index.js';
import type { Store } from '../store/index.js';
import { CliError } from './common.js';

const RECORD = 'state/publication.json';

export interface Recorded {
  publish: PublishMode;
  noise?: boolean;
}

/** The mode recorded in the store, or null when no `serve` or `merge` has used it yet. */
export async function recordedMode(store: Store, where: string): Promise<Recorded | null> {
  const bytes = await store.getPublished(RECORD);
  if (!bytes) return null;
  const text = Buffer.from(bytes).toString('utf8');
  const j = JSON.parse(text) as { publish?: unknown; noise?: unknown };
  if (j.publish !== 'raw' && j.publish !== 'aggregates') {
    throw new CliError(`${where}: ${RECORD} does not name a publication mode`);
  }
  if (typeof j.noise !== 'boolean') return { publish: j.publish };
  return { publish: j.publish, noise: j.noise };
}

/**
 * Records the mode (and, in aggregates mode, whether counts are noised) on first use; refuses a
 * store recorded otherwise, naming it and the way on, since switching mid-way breaks the
 * promise the /privacy page made to every client whose reports the store already holds.
 */
export async function holdMode(
  store: Store,
  where: string,
  mode: PublishMode,
  noise: boolean,
): Promise<void> {
  const recorded = await recordedMode(store, where);
  const record = mode === 'aggregates' ? { publish: mode, noise } : { publish: mode };
  if (recorded === null) {
    await store.putPublished(RECORD, Buffer.from(JSON.stringify(record) + '\n'));
    return;
  }
  if (recorded.publish !== mode) {
    throw new CliError(
      `${where} is recorded for --publish ${recorded.publish}, not --publish ` +
        `${mode}: give --publish ${recorded.publish} (merge may omit it), or start a new store ` +
        `for ${mode}`,
    );
  }
  if (mode === 'aggregates' && recorded.noise !== undefined && recorded.noise !== noise) {
    const was = recorded.noise ? 'with noise' : 'with --no-noise-k-only-unsafe';
    throw new CliError(
      `${where} is recorded for aggregates ${was}: give the same, or start a ` + 'new store',
    );
  }
}

/** How a store is named in messages: its directory or its URL without a password. */
export function storeName(options: {
  data?: string | undefined;
  database?: string | undefined;
}): string {
  if (options.database)
    return `store ${options.database.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`;
  return `store ${options.data ?? 'telemetry-data'}`;
}
