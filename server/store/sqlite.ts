// The embedded store: one SQLite database, <data>/telemetry.sqlite (WAL mode), owned by a
// worker thread (sqlite-worker.ts), with the published files beside it (published.ts).
// Group commit: the puts of one event-loop turn go to the worker as one batch, one transaction
// and one WAL sync; while a batch is being written the next one gathers. The database decides
// duplicates (the (week, x) key): no per-report state is kept in this process.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UPLOAD_WINDOW_DAYS } from '../../upload/index.js';
import { makeDurableDir } from './files.js';
import { addDays, todayUTC } from './names.js';
import { publishedFiles } from './published.js';
import { SQLITE_SCHEMA } from './schema.js';
import type { PutResult, Store, StoredReport } from './types.js';
import { type RowIn, startWorker } from './worker-client.js';

export const DATABASE_FILE = 'telemetry.sqlite';
/** The old directory store's folder of segments (docs/collector-store.md, migration). */
export const OLD_LAYOUT = 'days';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PAGE = 500;
const MERGE_LOCK = 'merge';

interface Pending { row: RowIn; resolve: (result: PutResult) => void; reject: (e: unknown) => void }

export async function openSqliteStore(
  root: string,
  now: () => Date = () => new Date(),
): Promise<Store> {
  await refuseOldLayout(root);
  await makeDurableDir(root);
  const worker = await startWorker(join(root, DATABASE_FILE), SQLITE_SCHEMA);
  const published = publishedFiles(root);
  let pending: Pending[] = [];
  let writing: Promise<void> | null = null;
  let merging = false;

  /** Sends what gathered as one batch; repeats while more gathered during the write. */
  const flush = async (): Promise<void> => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      try {
        const results = await worker.call<PutResult[]>('put', batch.map((p) => p.row));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of batch) p.reject(e); // rolled back: none of the batch is stored
      }
    }
    writing = null;
  };

  return {
    put(report: StoredReport): Promise<PutResult> {
      const row: RowIn = { week: report.week, x: report.x, day: report.day, body: report.body };
      return new Promise<PutResult>((resolve, reject) => {
        pending.push({ row, resolve, reject });
        // After this turn's I/O callbacks: every request read in the same turn joins the batch.
        writing ??= new Promise<void>((res) => setImmediate(res)).then(flush);
      });
    },

    unmergedDays: () => worker.call<string[]>('unmerged'),

    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      let after = { week: '', x: '' };
      for (;;) {
        const rows = await worker.call<Array<{ week: string; x: string; body: string }>>(
          'page', day, after.week, after.x, PAGE,
        );
        for (const row of rows) yield { week: row.week, x: row.x, day, body: row.body };
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!;
      }
    },

    async markMerged(day: string, dropRaw: boolean): Promise<void> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      const horizon = addDays(todayUTC(now()), -(UPLOAD_WINDOW_DAYS + 1));
      await worker.call('markMerged', day, dropRaw, horizon);
    },

    async withMergeLock<T>(fn: () => Promise<T>): Promise<T | null> {
      // In the database, so that `merge` run beside `serve` on the same directory waits its turn.
      if (merging || !(await worker.call<boolean>('lock', MERGE_LOCK, process.pid))) return null;
      merging = true;
      try {
        return await fn();
      } finally {
        merging = false;
        await worker.call('unlock', MERGE_LOCK, process.pid);
      }
    },

    putPublished: (name, bytes) => published.put(name, bytes),
    getPublished: (name) => published.get(name),
    listPublished: (prefix) => published.list(prefix),

    async healthy(): Promise<boolean> {
      if (!worker.alive()) return false;
      return worker.call<boolean>('ping').catch(() => false);
    },

    async close(): Promise<void> {
      while (writing) await writing;
      await worker.close();
    },
  };
}

/** A directory of the old segment store is refused until it is imported (import-dir.ts). */
async function refuseOldLayout(root: string): Promise<void> {
  const old = join(root, OLD_LAYOUT);
  if (!(await stat(old).catch(() => null))?.isDirectory()) return;
  throw new Error(
    `data directory ${root} holds reports in the old segment layout (${old}); ` +
      `import them into SQLite first: telemetry-server import-dir --data ${root}`,
  );
}
