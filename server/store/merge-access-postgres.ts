// The merge worker's connection to the PostgreSQL store: a pool of its own (two connections at
// most) from the same URL, opened in the merge worker's thread, so the day's rows and the
// published files travel between PostgreSQL and that thread only. A day is read through one
// cursor, in a read-only transaction, a page at a time; PostgreSQL's MVCC lets it run beside
// the uploads' inserts (a long snapshot only delays vacuum, never a write).
import { checkDay } from './names.js';
import { pgPublished } from './pg-published.js';
import { redact } from './postgres.js';
import type { MergeAccess, StoredReport } from './types.js';

/** Rows per fetch: the merge holds one page of bodies at a time. */
const PAGE = 1000;
// One cursor over the day, read in pages: one scan and one sort of the day in the database.
// Keyset pages (`(week, x) > last … LIMIT`), as the store's own reportsOf reads, are planned on
// a table without statistics yet (just filled) as a scan of the rest of the day and a top-N
// sort per page, quadratic: 6.2 s for 100,000 reports where this cursor took 0.24 s.
const DECLARE_SQL =
  'DECLARE tt_day NO SCROLL CURSOR FOR SELECT week, x, body FROM tt_reports ' +
  'WHERE day = $1 AND body IS NOT NULL ORDER BY week, x';
const FETCH_SQL = `FETCH ${PAGE} FROM tt_day`;
/** One connection holds the day's cursor while the other reads and writes published files. */
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
  const fail = (error: unknown): never => {
    throw new Error(`database ${redact(url)}: ${(error as Error).message}`, { cause: error });
  };
  return {
    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      checkDay(day);
      const client = await pool.connect().catch(fail);
      const lost = (): void => undefined; // a dropped connection fails the next query
      client.on('error', lost);
      let open = false;
      let broken: Error | undefined;
      try {
        // Read only, so the cursor's snapshot never holds a lock an upload could wait for.
        await client.query('BEGIN READ ONLY');
        open = true;
        await client.query(DECLARE_SQL, [day]);
        for (;;) {
          const page = await client.query<Row>(FETCH_SQL);
          for (const row of page.rows) yield { week: row.week, x: row.x, day, body: row.body };
          if (page.rows.length < PAGE) break;
        }
        await client.query('COMMIT');
        open = false;
      } catch (error) {
        broken = error as Error; // the connection is dropped, not reused
        fail(error);
      } finally {
        // Also when the merge stops reading early (a report that does not parse).
        if (open && !broken)
          await client.query('ROLLBACK').catch((error: Error) => (broken = error));
        client.off('error', lost);
        client.release(broken);
      }
    },
    ...pgPublished(pool),
    close: () => pool.end(),
  };
}
