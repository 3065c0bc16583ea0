// Group commit for the PostgreSQL store: puts waiting while earlier batches run go into one
// INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING, one statement and one commit (one WAL
// flush) for many reports. The rows the INSERT returns were stored; for the others the stored
// hash decides duplicate or conflict. A report repeated inside a batch is sent once.
import type { Pool } from 'pg';
import type { PutResult, StoredReport } from './types.js';

interface Waiting {
  report: StoredReport;
  hash: string;
  resolve: (result: PutResult) => void;
  reject: (error: unknown) => void;
}

/** Batches at once (each holds a pooled connection for a statement or two). */
const MAX_ACTIVE = 6;
const MAX_BATCH = 1000;

export function batchedPut(pool: Pool): (report: StoredReport, hash: string) => Promise<PutResult> {
  let queue: Waiting[] = [];
  let active = 0;

  const kick = (): void => {
    while (queue.length && active < MAX_ACTIVE) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      active++;
      // run settles every waiter of its batch itself and never rejects.
      void run(batch).finally(() => {
        active--;
        kick();
      });
    }
  };

  const run = async (batch: Waiting[]): Promise<void> => {
    const firsts = new Map<string, Waiting>();
    for (const waiter of batch)
      if (!firsts.has(key(waiter.report))) firsts.set(key(waiter.report), waiter);
    const rows = [...firsts.values()];
    try {
      const ins = await pool.query<{ week: string; x: string }>(
        // The days of the stored rows in the same statement, so no committed report lacks its
        // day; one stored into a merged day reopens it (as in the SQLite store). Not ON CONFLICT
        // DO UPDATE: that locks today's row even when it changes nothing, and concurrent batches
        // would then commit one after another; an UPDATE locks only the merged days it reopens.
        `WITH ins AS (INSERT INTO tt_reports (week, x, day, hash, body)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
           ON CONFLICT (week, x) DO NOTHING RETURNING week, x, day),
         d AS (INSERT INTO tt_days (day) SELECT DISTINCT day FROM ins
           ON CONFLICT (day) DO NOTHING),
         r AS (UPDATE tt_days SET merged = false WHERE merged AND day IN (SELECT day FROM ins))
         SELECT week, x FROM ins`,
        [
          rows.map((waiter) => waiter.report.week),
          rows.map((waiter) => waiter.report.x),
          rows.map((waiter) => waiter.report.day),
          rows.map((waiter) => waiter.hash),
          rows.map((waiter) => waiter.report.body),
        ],
      );
      const stored = new Map<string, string>(); // key → the hash now in the table
      const inserted = new Set(ins.rows.map((row) => `${row.week} ${row.x}`));
      for (const waiter of rows)
        if (inserted.has(key(waiter.report))) stored.set(key(waiter.report), waiter.hash);
      const others = rows.filter((waiter) => !inserted.has(key(waiter.report)));
      if (others.length) {
        const got = await pool.query<{ week: string; x: string; hash: string }>(
          'SELECT week, x, hash FROM tt_reports WHERE (week, x) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
          [others.map((waiter) => waiter.report.week), others.map((waiter) => waiter.report.x)],
        );
        for (const row of got.rows) stored.set(`${row.week} ${row.x}`, row.hash);
      }
      for (const waiter of batch) {
        const reportKey = key(waiter.report);
        const storedHash = stored.get(reportKey);
        if (storedHash === undefined)
          queue.push(waiter); // pruned between the two statements: once more
        else if (inserted.has(reportKey) && firsts.get(reportKey) === waiter)
          waiter.resolve('stored');
        else waiter.resolve(storedHash === waiter.hash ? 'duplicate' : 'conflict');
      }
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  };

  return (report, hash) =>
    new Promise<PutResult>((resolve, reject) => {
      queue.push({ report, hash, resolve, reject });
      kick();
    });
}

const key = (report: StoredReport): string => `${report.week} ${report.x}`;
