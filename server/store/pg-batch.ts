// Group commit for the PostgreSQL store: puts waiting while earlier batches run go into one
// INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING, one statement and one commit (one WAL
// flush) for many reports. The rows the INSERT returns were stored; for the others the stored
// hash decides duplicate or conflict. A report repeated inside a batch is sent once.
import type { Pool } from 'pg';
import type { PutResult, StoredReport } from './types.js';

interface Waiting { r: StoredReport; hash: string; resolve: (p: PutResult) => void; reject: (e: unknown) => void }

/** Batches at once (each holds a pooled connection for a statement or two). */
const MAX_ACTIVE = 6;
const MAX_BATCH = 1000;

export function batchedPut(pool: Pool): (r: StoredReport, hash: string) => Promise<PutResult> {
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
    for (const w of batch) if (!firsts.has(key(w.r))) firsts.set(key(w.r), w);
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
        [rows.map((w) => w.r.week), rows.map((w) => w.r.x), rows.map((w) => w.r.day), rows.map((w) => w.hash), rows.map((w) => w.r.body)],
      );
      const stored = new Map<string, string>(); // key → the hash now in the table
      const inserted = new Set(ins.rows.map((row) => `${row.week} ${row.x}`));
      for (const w of rows) if (inserted.has(key(w.r))) stored.set(key(w.r), w.hash);
      const others = rows.filter((w) => !inserted.has(key(w.r)));
      if (others.length) {
        const got = await pool.query<{ week: string; x: string; hash: string }>(
          'SELECT week, x, hash FROM tt_reports WHERE (week, x) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
          [others.map((w) => w.r.week), others.map((w) => w.r.x)],
        );
        for (const row of got.rows) stored.set(`${row.week} ${row.x}`, row.hash);
      }
      for (const w of batch) {
        const k = key(w.r);
        const h = stored.get(k);
        if (h === undefined) queue.push(w); // pruned between the two statements: once more
        else if (inserted.has(k) && firsts.get(k) === w) w.resolve('stored');
        else w.resolve(h === w.hash ? 'duplicate' : 'conflict');
      }
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  };

  return (r, hash) =>
    new Promise<PutResult>((resolve, reject) => {
      queue.push({ r, hash, resolve, reject });
      kick();
    });
}

const key = (r: StoredReport): string => `${r.week} ${r.x}`;
