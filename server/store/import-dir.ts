// `telemetry-server import-dir`: moves a data directory of the old segment store into SQLite.
// The old layout: days/<day>/<segment>.ndjson (one {week, x, hash, body} per line),
// days/<day>/merged.json (the segments merged) and days/<day>/keys-*.ndjson (the {week, x, hash}
// kept after a merge dropped the bodies); published/ is already where the SQLite store keeps it.
// Each body is re-encoded canonically (as intake now stores it) and the batch goes in through the
// database's own key, so a second run changes nothing; at the end days/ is renamed, not deleted.
import { createReadStream } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { syncDir } from './files.js';
import { SQLITE_SCHEMA } from './schema.js';
import { DATABASE_FILE, OLD_LAYOUT } from './sqlite.js';
import { type RowIn, startWorker } from './worker-client.js';

/** How the caller re-encodes what intake would store (server/serve/canonical.ts). */
export interface Canonicaliser {
  x(text: string): string;
  /** The canonical bytes of a stored body; throws when it is not a report. */
  body(text: string): string;
}

export interface ImportResult {
  stored: number;
  duplicate: number;
  conflict: number;
  unreadable: number;
  /** Where days/ went. */
  movedTo: string;
}
type Answer = 'stored' | 'duplicate' | 'conflict';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SEGMENT = /^\d{13}-\d+-\d+\.ndjson$/;
const KEYS = /^keys-\d{13}-\d+-\d+\.ndjson$/;
const BATCH = 2000;

export async function importDir(root: string, canonical: Canonicaliser): Promise<ImportResult> {
  const days = join(root, OLD_LAYOUT);
  const entries = await readdir(days).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`nothing to import: ${days} does not exist`);
    throw err;
  });
  const dayNames = entries.filter((name) => DAY.test(name)).sort();
  await refuseLiveLock(join(root, 'LOCK'));
  const worker = await startWorker(join(root, DATABASE_FILE), SQLITE_SCHEMA);
  const result: ImportResult = { stored: 0, duplicate: 0, conflict: 0, unreadable: 0, movedTo: '' };
  let batch: RowIn[] = [];
  const send = async (): Promise<void> => {
    const answers = batch.length ? await worker.call<Answer[]>('import', batch) : [];
    for (const answer of answers) result[answer]++;
    batch = [];
  };
  try {
    for (const day of dayNames) {
      const files = (await readdir(join(days, day))).sort();
      const merged = await mergedSegments(join(days, day, 'merged.json'));
      for (const file of files.filter((name) => SEGMENT.test(name) || KEYS.test(name))) {
        const isKeys = KEYS.test(file);
        for await (const line of linesOf(join(days, day, file))) {
          const row = rowOf(line, day, isKeys || merged.has(file), isKeys, canonical);
          if (row === null) result.unreadable++;
          else batch.push(row);
          if (batch.length >= BATCH) await send();
        }
      }
    }
    await send();
  } finally {
    await worker.close();
  }
  result.movedTo = join(root, `${OLD_LAYOUT}.imported-${Date.now()}`);
  await rename(days, result.movedTo);
  await syncDir(root);
  await rm(join(root, 'LOCK'), { force: true });
  return result;
}

/** One old line as a row, or null when it cannot be read (a partial line a crash left). */
function rowOf(
  line: string,
  day: string,
  merged: boolean,
  isKeys: boolean,
  canonical: Canonicaliser,
): RowIn | null {
  try {
    const old = JSON.parse(line) as { week: string; x: string; hash: string; body?: string };
    const x = canonical.x(old.x);
    // A key without its body keeps the old hash: a replay of it is still known.
    if (isKeys) return { week: old.week, x, day, body: null, hash: old.hash, merged: true };
    return { week: old.week, x, day, body: canonical.body(old.body ?? ''), merged };
  } catch {
    return null;
  }
}

/** Lines one at a time: an old segment may be far larger than one string can hold. */
async function* linesOf(file: string): AsyncIterable<string> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield line;
}

async function mergedSegments(file: string): Promise<Set<string>> {
  try {
    return new Set((JSON.parse(await readFile(file, 'utf8')) as { segments: string[] }).segments);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

async function refuseLiveLock(file: string): Promise<void> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return; // its process is gone
  }
  throw new Error(`data directory is in use by process ${pid} (${file}): stop that server first`);
}
