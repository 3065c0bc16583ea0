// The PostgreSQL store: every replica is stateless and shares one database. A report is one
// row keyed by (week, X); INSERT … ON CONFLICT DO NOTHING decides, in the database, which of
// two concurrent puts stores it, and the loser compares hashes (duplicate or conflict); puts
// are grouped into one statement per batch (pg-batch.ts). A put resolves after the commit,
// which with the default synchronous_commit means the WAL is flushed.
// After a merge in `aggregates` mode a row keeps its key and hash but loses its body, so a
// replay is still known; keys of days older than the upload window are then pruned.
import type { Pool, PoolClient } from 'pg';
import { UPLOAD_WINDOW_DAYS } from '../../report/index.js';
import { sha256 } from './hash.js';
import { batchedPut } from './pg-batch.js';
import { addDays, todayUTC } from './names.js';
import { pgPublished } from './pg-published.js';
import { POSTGRES_HAS_OLD_MERGED, POSTGRES_MIGRATE, POSTGRES_SCHEMA } from './schema.js';
import type { PutResult, Store, StoredReport } from './types.js';

/** Lock ids for pg_advisory_lock: an arbitrary constant per purpose ("tt" schema, "tt" merge). */
const SCHEMA_LOCK = 0x7474_0001;
const MERGE_LOCK = 0x7474_0002;
const PAGE = 1000;

export async function openPostgresStore(url: string, poolSize = 16): Promise<Store> {
  // Loaded here, not at the top: the other commands of the bundle never load pg.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    application_name: 'telemetry-server',
  });
  // An idle client whose connection drops emits here; the next query gets a new connection.
  pool.on('error', () => undefined);
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]); // replicas starting together
      await client.query(POSTGRES_SCHEMA);
      if ((await client.query(POSTGRES_HAS_OLD_MERGED)).rowCount)
        await client.query(POSTGRES_MIGRATE);
    });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`database ${redact(url)}: ${(error as Error).message}`);
  }

  const put = batchedPut(pool);
  const store: Store = {
    location: { kind: 'postgres', url },
    put: (report: StoredReport): Promise<PutResult> => put(report, sha256(report.body)),

    async unmergedDays(): Promise<string[]> {
      const sql = 'SELECT day FROM tt_days WHERE NOT merged ORDER BY day';
      const result = await pool.query<{ day: string }>(sql);
      return result.rows.map((row) => row.day);
    },

    async *reportsOf(day: string): AsyncIterable<StoredReport> {
      let after: [string, string] = ['', ''];
      for (;;) {
        const page = await pool.query<{ week: string; x: string; body: string }>(
          'SELECT week, x, body FROM tt_reports WHERE day = $1 AND body IS NOT NULL AND (week, x) > ($2, $3) ORDER BY week, x LIMIT $4',
          [day, after[0], after[1], PAGE],
        );
        for (const row of page.rows) yield { week: row.week, x: row.x, day, body: row.body };
        if (page.rows.length < PAGE) return;
        const last = page.rows[page.rows.length - 1]!;
        after = [last.week, last.x];
      }
    },

    async markMerged(day: string, dropRaw: boolean): Promise<void> {
      await inTransaction(pool, async (client) => {
        // One row marks the day; the bodies (aggregates mode) go in the same transaction, since
        // PostgreSQL's row locks leave concurrent puts of other days unblocked.
        await client.query('UPDATE tt_days SET merged = true WHERE day = $1', [day]);
        if (!dropRaw) return;
        const drop = 'UPDATE tt_reports SET body = NULL WHERE day = $1 AND body IS NOT NULL';
        await client.query(drop, [day]);
        const horizon = addDays(todayUTC(new Date()), -(UPLOAD_WINDOW_DAYS + 1));
        await client.query(
          'DELETE FROM tt_reports WHERE day < $1 AND day IN (SELECT day FROM tt_days WHERE merged)',
          [horizon],
        );
      });
    },

    async withMergeLock<T>(task: () => Promise<T>): Promise<T | null> {
      // A session lock on a connection held for the whole merge: it goes if that connection dies.
      const client = await pool.connect();
      const lost = (): void => undefined; // a dropped connection fails the next query; never crash
      client.on('error', lost);
      let broken: Error | undefined;
      try {
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          MERGE_LOCK,
        ]);
        if (!got.rows[0]?.ok) return null;
        try {
          return await task();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MERGE_LOCK]);
        }
      } catch (error) {
        broken = error as Error; // the connection is dropped, not reused (a lock might linger on it)
        throw error;
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    },

    ...pgPublished(pool),

    async healthy(): Promise<boolean> {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },

    async close(): Promise<void> {
      await pool.end(); // waits for queries in flight
    },
  };
  return store;
}

async function inTransaction(
  pool: Pool,
  work: (client: PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  const lost = (): void => undefined; // a dropped connection fails the next query; never crash
  client.on('error', lost);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    broken = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'the --database URL';
  }
}
