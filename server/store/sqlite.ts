// The embedded store: one SQLite database, <data>/telemetry.sqlite (WAL mode), owned by a
// worker thread (sqlite-worker.ts), with the published files beside it (published.ts).
// Group commit: the puts of one event-loop turn go to the worker as one batch and one
// transaction (several of SUB_BATCH when the turn reads many); up to MAX_BATCHES are at the
// worker at once, and one WAL sync covers every batch committed before it started
// (sqlite-worker.ts); beyond that the next batch gathers.
// The database decides duplicates (the (week, x) key): no per-report state is kept here.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';
import { makeDurableDir, syncDir } from './files.js';
import { addDays, todayUTC } from './names.js';
import { publishedFiles } from './published.js';
import { SQLITE_SCHEMA } from './schema.js';
import { makeSpinner } from './spin.js';
import type { PutResult, Store, StoredReport } from './types.js';
import { type RowIn, startWorker } from './worker-client.js';

export const DATABASE_FILE = 'telemetry.sqlite';
/** The old directory store's folder of segments (docs/collector-store.md, migration). */
export const OLD_LAYOUT = 'days';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PAGE = 500;
const MERGE_LOCK = 'merge';
/** Rows per transaction when an aggregates merge drops a day's bodies (markMerged). */
const CHUNK = 2_000;
/**
 * Batches at the worker at once: while one waits for its WAL sync the next commits, so that one
 * sync covers several batches (docs/collector-store.md, group sync).
 */
const MAX_BATCHES = 4;
/**
 * A turn that reads many uploads sends them in batches of this many as they are checked, so
 * that the worker commits the first while the main thread checks the rest; sending only at the
 * turn's end left each thread waiting for the other (bench/README.md: +11 to 14 % at 64
 * connections, no change at 8, where a turn holds ~5).
 */
const SUB_BATCH = 16;
/** How long the main thread turns, not sleeps, after sending a batch (spin.ts). */
const SPIN_MS = 0.5;

interface Pending {
  row: RowIn;
  resolve: (result: PutResult) => void;
  reject: (e: unknown) => void;
}

export interface SqliteOptions {
  /**
   * `full` (the default): a put resolves once the WAL is synced, so a 200 survives power loss.
   * `normal`: the WAL is synced at checkpoints only; a 200 survives a crash of the server but
   * not of the machine (SQLite's synchronous=NORMAL in WAL mode).
   */
  sync?: 'full' | 'normal';
  now?: () => Date;
}

export async function openSqliteStore(root: string, options: SqliteOptions = {}): Promise<Store> {
  const now = options.now ?? (() => new Date());
  await refuseOldLayout(root);
  await makeDurableDir(root);
  const syncEachCommit = options.sync !== 'normal';
  const worker = await startWorker(join(root, DATABASE_FILE), SQLITE_SCHEMA, syncEachCommit);
  await syncDir(root); // the database's and its WAL's directory entries, made by the worker
  const published = publishedFiles(root);
  let pending: Pending[] = [];
  let scheduled = false;
  let inFlight = 0;
  const idle: Array<() => void> = [];
  let merging = false;
  const spin = makeSpinner(() => inFlight > 0, SPIN_MS);

  /** Wakes close() once nothing is gathered, scheduled or at the worker. */
  const settle = (): void => {
    if (scheduled || inFlight > 0 || pending.length > 0) return;
    for (const done of idle.splice(0)) done();
  };
  /** Sends what gathered as one batch, unless MAX_BATCHES are at the worker (it gathers more). */
  const send = (): void => {
    while (pending.length && inFlight < MAX_BATCHES) {
      const batch = pending;
      pending = [];
      inFlight++;
      spin();
      worker
        .call<PutResult[]>(
          'put',
          batch.map((waiter) => waiter.row),
        )
        .then(
          (results) => batch.forEach((waiter, i) => waiter.resolve(results[i]!)),
          // Rolled back: none of the batch is stored.
          (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
        )
        .finally(() => {
          inFlight--;
          send();
          settle();
        });
    }
  };

  return {
    location: { kind: 'sqlite', root },
    put(report: StoredReport): Promise<PutResult> {
      const row: RowIn = { week: report.week, x: report.x, day: report.day, body: report.body };
      return new Promise<PutResult>((resolve, reject) => {
        pending.push({ row, resolve, reject });
        if (pending.length >= SUB_BATCH) send();
        if (scheduled) return;
        scheduled = true;
        // After this turn's I/O callbacks: every request read in the same turn joins the batch.
        setImmediate(() => {
          scheduled = false;
          send(); // a batch that finished meanwhile may have sent these already
          settle();
        });
      });
    },

    unmergedDays: () => worker.call<string[]>('unmerged'),

    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      let after = { week: '', x: '' };
      for (;;) {
        const rows = await worker.call<Array<{ week: string; x: string; body: string }>>(
          'page',
          day,
          after.week,
          after.x,
          PAGE,
        );
        for (const row of rows) yield { week: row.week, x: row.x, day, body: row.body };
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!;
      }
    },

    async markMerged(day: string, dropRaw: boolean): Promise<void> {
      if (!DAY.test(day)) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
      // One row of tt_days, durable before the bodies go: a day marked merged is never merged
      // again, and a crash while its bodies are dropped leaves some to dropStale below.
      await worker.call('markMerged', day);
      if (!dropRaw) return; // only aggregates mode leaves keys without bodies
      // In chunks, each its own transaction, so that uploads are stored between them: one
      // transaction over a 100,000-report day held the writer for half a second.
      let after: { week: string; x: string } | null = { week: '', x: '' };
      while (after) after = await worker.call('dropBodies', day, after.week, after.x, CHUNK);
      const horizon = addDays(todayUTC(now()), -(UPLOAD_WINDOW_DAYS + 1));
      while ((await worker.call<number>('dropStale', horizon, CHUNK)) === CHUNK);
    },

    async withMergeLock<T>(task: () => Promise<T>): Promise<T | null> {
      // In the database, so that `merge` run beside `serve` on the same directory waits its turn.
      if (merging || !(await worker.call<boolean>('lock', MERGE_LOCK, process.pid))) return null;
      merging = true;
      try {
        return await task();
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
      if (scheduled || inFlight > 0) await new Promise<void>((done) => idle.push(done));
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
