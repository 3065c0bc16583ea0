// One schema for both stores: the same tables, columns, constraint and index names, so that
// a vendor's queries, backups and the shared test suite read either the same way. Where the
// engines differ it is said here: PostgreSQL compares text bytewise only with COLLATE "C"
// (SQLite's default BINARY collation already does), and SQLite has no boolean type (0 and 1).
//
// tt_reports: one row per accepted report. (week, x) is the report's identity, enforced by the
// database (tt_reports_pkey), so a retry is never stored twice however many writers race.
// body is the report's canonical bytes (server/serve/canonical.ts), hash their SHA-256; after
// a merge in `aggregates` mode body is NULL: the key and hash stay so a replay is still known.
// tt_locks: the merge lock of the SQLite store (PostgreSQL uses an advisory lock instead).

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS tt_reports (
  week text COLLATE "C" NOT NULL,
  x text COLLATE "C" NOT NULL,
  day text COLLATE "C" NOT NULL,
  hash text NOT NULL,
  body text,
  merged boolean NOT NULL DEFAULT false,
  CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x)
);
CREATE INDEX IF NOT EXISTS tt_reports_day ON tt_reports (day, week, x);
CREATE INDEX IF NOT EXISTS tt_reports_unmerged ON tt_reports (day) WHERE NOT merged;
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
  merged integer NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
  CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x)
);
CREATE INDEX IF NOT EXISTS tt_reports_day ON tt_reports (day, week, x);
CREATE INDEX IF NOT EXISTS tt_reports_unmerged ON tt_reports (day) WHERE merged = 0;
CREATE TABLE IF NOT EXISTS tt_locks (
  name text NOT NULL,
  pid integer NOT NULL,
  CONSTRAINT tt_locks_pkey PRIMARY KEY (name)
);
`;
