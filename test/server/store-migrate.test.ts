// Stores created before tt_days kept `merged` on each report (schema of 2026-12-06 morning).
// Both stores migrate such a store at open: a day is merged only if all its reports were, the
// column goes, and everything stored still answers as before.
import { DatabaseSync } from '@photostructure/sqlite';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openSqliteStore } from '../../server/store/index.js';
import { openPostgresStore } from '../../server/store/postgres.js';
import type { Store } from '../../server/store/types.js';
import { tempDir } from '../helpers.js';
import { freshDatabase, skipPg } from './pg.js';

const OLD = (merged: string, collate: string) => `
CREATE TABLE tt_reports (
  week text ${collate} NOT NULL, x text ${collate} NOT NULL, day text ${collate} NOT NULL,
  hash text NOT NULL, body text, merged ${merged},
  CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x)
);
CREATE INDEX tt_reports_day ON tt_reports (day, week, x);`;
const OLD_SQLITE = `${OLD('integer NOT NULL DEFAULT 0 CHECK (merged IN (0, 1))', '')}
CREATE INDEX tt_reports_unmerged ON tt_reports (day) WHERE merged = 0;`;
const OLD_PG = `${OLD('boolean NOT NULL DEFAULT false', 'COLLATE "C"')}
CREATE INDEX tt_reports_unmerged ON tt_reports (day) WHERE NOT merged;`;

// Day 01 fully merged, day 02 partly (a crash midway through the old per-row marking: it is
// to be merged again), day 03 not merged.
const ROWS: Array<[string, string, number]> = [
  ['2026-12-01', '0.1', 1],
  ['2026-12-01', '0.2', 1],
  ['2026-12-02', '0.3', 1],
  ['2026-12-02', '0.4', 0],
  ['2026-12-03', '0.5', 0],
];
const body = (x: string) => `{"X":${x}}`;
const hash = (x: string) => createHash('sha256').update(body(x)).digest('hex');
const week = '2026-11-29';

async function check(open: () => Promise<Store>): Promise<void> {
  const store = await open();
  expect(await store.unmergedDays()).toEqual(['2026-12-02', '2026-12-03']);
  const got: string[] = [];
  for await (const r of store.reportsOf('2026-12-02')) got.push(r.x);
  expect(got).toEqual(['0.3', '0.4']);
  const repeat = { week, x: '0.1', day: '2026-12-05', body: body('0.1') };
  expect(await store.put(repeat)).toBe('duplicate');
  await store.markMerged('2026-12-02', false);
  expect(await store.unmergedDays()).toEqual(['2026-12-03']);
  await store.close();
  const again = await open(); // migrated once: opening again changes nothing
  expect(await again.unmergedDays()).toEqual(['2026-12-03']);
  await again.close();
}

describe('a store from before tt_days', () => {
  it('sqlite: migrated at open', async () => {
    const dir = tempDir('tt-migrate-');
    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    db.exec(OLD_SQLITE);
    const insert = db.prepare('INSERT INTO tt_reports VALUES (?, ?, ?, ?, ?, ?)');
    for (const [day, x, merged] of ROWS) insert.run(week, x, day, hash(x), body(x), merged);
    db.close();
    await check(() => openSqliteStore(dir));
    const after = new DatabaseSync(join(dir, DATABASE_FILE));
    const columns = after.prepare("SELECT name FROM pragma_table_info('tt_reports')").all();
    expect(columns.map((column) => (column as { name: string }).name)).not.toContain('merged');
    after.close();
  });

  it.skipIf(skipPg)('postgres: migrated at open', async () => {
    const url = await freshDatabase();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(OLD_PG);
      for (const [day, x, merged] of ROWS) {
        await c.query('INSERT INTO tt_reports VALUES ($1, $2, $3, $4, $5, $6)', [
          week,
          x,
          day,
          hash(x),
          body(x),
          merged === 1,
        ]);
      }
      await check(() => openPostgresStore(url));
      const columns = await c.query(
        'SELECT 1 FROM information_schema.columns ' +
          "WHERE table_name = 'tt_reports' AND column_name = 'merged'",
      );
      expect(columns.rowCount).toBe(0);
    } finally {
      await c.end();
    }
  });
});
