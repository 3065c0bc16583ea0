// One schema for both stores: the same tables, columns, constraint and index names, so that
// a vendor's queries, backups and the shared test suite read either the same way. Where the
// engines differ it is said here: PostgreSQL compares text bytewise only with COLLATE "C"
// (SQLite's default BINARY collation already does), and SQLite has no boolean type (0 and 1).
//
// tt_reports: one row per accepted report. (week, x) is the report's identity, enforced by the
// database (tt_reports_pkey), so a retry is never stored twice however many writers race.
// body is the report's canonical bytes (server/serve/canonical.ts), hash their SHA-256; after
// a merge in `aggregates` mode body is NULL: the key and hash stay so a replay is still known.
// tt_days: one row per day that holds (or held) reports, and whether it is merged. Marking a
// day merged is one row, not an update of each of its reports: that update held the writer
// (and the uploads queued behind it) for ~0.5 s per 100,000 reports. A put adds its day's row
// in the same statement or transaction as the report, so no stored report lacks its day.
// tt_locks: the merge lock of the SQLite store (PostgreSQL uses an advisory lock instead).

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS tt_reports (
  week text COLLATE "C" NOT NULL,
  x text COLLATE "C" NOT NULL,
  day text COLLATE "C" NOT NULL,
  hash text NOT NULL,
  body text,
  CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x)
);
CREATE INDEX IF NOT EXISTS tt_reports_day ON tt_reports (day, week, x);
CREATE TABLE IF NOT EXISTS tt_days (
  day text COLLATE "C" NOT NULL,
  merged boolean NOT NULL DEFAULT false,
  CONSTRAINT tt_days_pkey PRIMARY KEY (day)
);
CREATE TABLE IF NOT EXISTS tt_published (
  name text COLLATE "C" NOT NULL,
  bytes bytea NOT NULL,
  CONSTRAINT tt_published_pkey PRIMARY KEY (name)
);
`;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS tt_reports (
  week text NOT NULL,
  x text NOT NULL,
  day text NOT NULL,
  hash text NOT NULL,
  body text,
  CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x)
);
CREATE INDEX IF NOT EXISTS tt_reports_day ON tt_reports (day, week, x);
CREATE TABLE IF NOT EXISTS tt_days (
  day text NOT NULL,
  merged integer NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
  CONSTRAINT tt_days_pkey PRIMARY KEY (day)
);
CREATE TABLE IF NOT EXISTS tt_locks (
  name text NOT NULL,
  pid integer NOT NULL,
  CONSTRAINT tt_locks_pkey PRIMARY KEY (name)
);
`;

// Stores created before tt_days (2026-12-06) kept `merged` on each report. At open, once, in
// the schema's transaction: a day is merged only if all its reports were (a crash midway
// through the old per-row marking left a day partly marked, and it was to be merged again),
// then the column and its index go.
export const POSTGRES_HAS_OLD_MERGED =
  'SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() ' +
  "AND table_name = 'tt_reports' AND column_name = 'merged'";
export const POSTGRES_MIGRATE = `
INSERT INTO tt_days (day, merged) SELECT day, bool_and(merged) FROM tt_reports GROUP BY day
ON CONFLICT (day) DO NOTHING;
ALTER TABLE tt_reports DROP COLUMN merged;
`;
export const SQLITE_HAS_OLD_MERGED =
  "SELECT 1 AS old FROM pragma_table_info('tt_reports') WHERE name = 'merged'";
export const SQLITE_MIGRATE = `
INSERT INTO tt_days (day, merged) SELECT day, min(merged) FROM tt_reports WHERE true GROUP BY day
ON CONFLICT (day) DO NOTHING;
DROP INDEX IF EXISTS tt_reports_unmerged;
ALTER TABLE tt_reports DROP COLUMN merged;
`;
