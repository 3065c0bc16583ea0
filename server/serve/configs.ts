// Every config version this server published: the entries of its config log, read from the
// log directory (the one `telemetry-server publish` appends to). The log is this server's own,
// so its checkpoint's signature is not checked here, but every tile and entry is checked
// against the checkpoint's root (the tlog hash reader). The checkpoint is looked at again every
// few seconds and only new entries are read: a vendor publishes without restarting the server.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ConfigQuery,
  TILE_WIDTH,
  buildQuery,
  bundlePath,
  dirReader,
  hashReader,
  leafHash,
  parseCheckpoint,
} from '../../config/index.js';

export interface ConfigVersion {
  /** The entry's index in the log: our clients send `v<index>` as the report's Config. */
  index: number;
  query: ConfigQuery;
}

export interface ConfigVersions {
  /** Every valid config entry, oldest first (an entry that is not a valid config is skipped). */
  readonly versions: readonly ConfigVersion[];
  readonly size: number;
  /** Reads entries appended since the last look; a log that no longer reads keeps the old list. */
  refresh(): Promise<void>;
}

/** The checkpoint text of a signed note: everything before the blank line that starts the signatures. */
function noteText(note: string): string {
  const end = note.indexOf('\n\n');
  if (end < 0) throw new Error('checkpoint is not a signed note');
  return note.slice(0, end + 1);
}

export async function loadConfigVersions(
  dir: string,
  onSkip: (index: number, why: string) => void = () => undefined,
): Promise<ConfigVersions> {
  const read = dirReader(dir);
  const versions: ConfigVersion[] = [];
  let size = 0;
  let lastNote = '';

  const refresh = async (): Promise<void> => {
    const note = await readFile(join(dir, 'checkpoint'), 'utf8');
    if (note === lastNote) return;
    const cp = parseCheckpoint(noteText(note));
    if (cp.size < size)
      throw new Error(`log ${dir}: checkpoint size ${cp.size} is smaller than ${size} read before`);
    const hashes = hashReader(cp.size, cp.root, read);
    const found: ConfigVersion[] = [];
    for (let i = size; i < cp.size; ) {
      const n = Math.floor(i / TILE_WIDTH);
      const width = Math.min(TILE_WIDTH, cp.size - n * TILE_WIDTH);
      const bundle = read(bundlePath({ index: n, width }));
      const tile = hashes.tile(0, n); // checked against the root
      let at = 0;
      for (let k = 0; k < width; k++) {
        if (
          at + 2 > bundle.length ||
          at + 2 + ((bundle[at]! << 8) | bundle[at + 1]!) > bundle.length
        )
          throw new Error(`log ${dir}: bundle ${n} is truncated`);
        const len = (bundle[at]! << 8) | bundle[at + 1]!;
        const entry = bundle.subarray(at + 2, at + 2 + len);
        at += 2 + len;
        const index = n * TILE_WIDTH + k;
        if (index < i) continue;
        if (Buffer.compare(leafHash(entry), tile[k]!) !== 0)
          throw new Error(`log ${dir}: entry ${index} does not match its tile`);
        try {
          found.push({ index, query: buildQuery(new TextDecoder().decode(entry)) });
        } catch (e) {
          onSkip(index, (e as Error).message);
        }
      }
      i = (n + 1) * TILE_WIDTH;
    }
    versions.push(...found);
    size = cp.size;
    lastNote = note;
  };
  await refresh();
  return {
    get versions() {
      return versions;
    },
    get size() {
      return size;
    },
    refresh,
  };
}
