// The merge worker's connection to the PostgreSQL store: a pool of its own (two connections at
// most) from the same URL, opened in the merge worker's thread, so the day's rows and the
// published files travel between PostgreSQL and that thread only. Reads are pages by key, each
// its own statement; PostgreSQL's MVCC lets them run beside the uploads' inserts.
import { checkDay } from './names.js';
import { pgPublished } from './pg-published.js';
import { redact } from './postgres.js';
import type { MergeAccess, StoredReport } from './types.js';

/** Rows per read: the merge holds one page of bodies at a time. */
const PAGE = 1000;
const PAGE_SQL =
  'SELECT week, x, body FROM tt_reports WHERE day = $1 AND body IS NOT NULL ' +
  'AND (week, x) > ($2, $3) ORDER BY week, x LIMIT $4';
/** One connection reads while the other writes a published part. */
const POOL_SIZE = 2;

type Row = { week: string; x: string; body: string };

export async function openPostgresAccess(url: string): Promise<MergeAccess> {
  // Loaded here, as in postgres.ts: an embedded store's merge never loads pg.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    application_name: 'telemetry-server merge',
  });
  // An idle client whose connection drops emits here; the next query gets a new connection.
  pool.on('error', () => undefined);
  const fail = (e: unknown): never => {
    throw new Error(`database ${redact(url)}: ${(e as Error).message}`, { cause: e });
  };
  return {
    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      checkDay(day);
      let after: [string, string] = ['', ''];
      for (;;) {
        const page = await pool.query<Row>(PAGE_SQL, [day, after[0], after[1], PAGE]).catch(fail);
        for (const row of page.rows) yield { week: row.week, x: row.x, day, body: row.body };
        if (page.rows.length < PAGE) return;
        const last = page.rows[page.rows.length - 1]!;
        after = [last.week, last.x];
      }
    },
    ...pgPublished(pool),
    close: () => pool.end(),
  };
}
