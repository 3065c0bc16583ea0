// Published files in PostgreSQL (tt_published), for the store the server holds and for the
// merge worker's own pool alike.
import type { Pool } from 'pg';
import { PUBLISHED_NAME } from './names.js';

export interface PgPublished {
  putPublished(name: string, bytes: Uint8Array): Promise<void>;
  getPublished(name: string): Promise<Uint8Array | null>;
  listPublished(prefix: string): Promise<string[]>;
}

export function pgPublished(pool: Pool): PgPublished {
  return {
    async putPublished(name, bytes) {
      checkName(name);
      await pool.query(
        'INSERT INTO tt_published (name, bytes) VALUES ($1, $2) ' +
          'ON CONFLICT (name) DO UPDATE SET bytes = EXCLUDED.bytes',
        [name, Buffer.from(bytes)],
      );
    },
    async getPublished(name) {
      checkName(name);
      const sql = 'SELECT bytes FROM tt_published WHERE name = $1';
      const r = await pool.query<{ bytes: Buffer }>(sql, [name]);
      return r.rows[0] ? new Uint8Array(r.rows[0].bytes) : null;
    },
    async listPublished(prefix) {
      const sql = 'SELECT name FROM tt_published WHERE starts_with(name, $1) ORDER BY name';
      const r = await pool.query<{ name: string }>(sql, [prefix]);
      return r.rows.map((row) => row.name);
    },
  };
}

function checkName(name: string): void {
  if (!PUBLISHED_NAME.test(name)) {
    const why = 'is not a relative path of [A-Za-z0-9._-] parts';
    throw new Error(`published name ${JSON.stringify(name)} ${why}`);
  }
}
