// Which SQLite binding the embedded store uses, by measurement (docs/sqlite-binding.md): the
// store's own work (a transaction per batch: INSERT … ON CONFLICT DO NOTHING per report, a
// hash lookup for a repeat, a WAL sync per commit) in each binding this Node can load.
//   node bench/sqlite-binding.mjs            @photostructure/sqlite, and node:sqlite on Node 22.13+
//   TT_BETTER_SQLITE3=<dir of node_modules/better-sqlite3> node bench/sqlite-binding.mjs
// better-sqlite3 is not a dependency (it builds from source on Node 20 here): point at a copy.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(import.meta.dirname, '..', 'server', 'package.json'));
const SCHEMA = `CREATE TABLE tt_reports (week text NOT NULL, x text NOT NULL, day text NOT NULL, hash text NOT NULL,
  body text, merged integer NOT NULL DEFAULT 0, CONSTRAINT tt_reports_pkey PRIMARY KEY (week, x));
  CREATE INDEX tt_reports_day ON tt_reports (day, week, x);`;
const BATCHES = Number(process.env.TT_BATCHES ?? 300);
const PER_BATCH = Number(process.env.TT_PER_BATCH ?? 64);
const BODY = JSON.stringify({
  Week: '2026-11-29',
  LastWeek: '',
  X: 0.5,
  Programs: [
    {
      Program: 'demo-tool',
      Version: '1.2.3',
      GoVersion: 'node20.20.2',
      GOOS: 'linux',
      GOARCH: 'x64',
      Counters: { 'demo-tool/invocations': 3, 'demo-tool/flag:shout': 1 },
      Stacks: {},
    },
  ],
  Config: 'v0',
});

const bindings = [];
try {
  const { DatabaseSync } = require('@photostructure/sqlite');
  bindings.push(['@photostructure/sqlite 2.6.0', (file) => new DatabaseSync(file)]);
} catch (e) {
  console.log(`@photostructure/sqlite: skipped (${e.message})`);
}
const builtin = process.getBuiltinModule?.('node:sqlite');
if (builtin)
  bindings.push([
    `node:sqlite (Node ${process.versions.node})`,
    (file) => new builtin.DatabaseSync(file),
  ]);
else console.log(`node:sqlite: skipped (not in Node ${process.versions.node})`);
if (process.env.TT_BETTER_SQLITE3) {
  const Better = require(process.env.TT_BETTER_SQLITE3);
  bindings.push(['better-sqlite3 12.11.1', (file) => new Better(file)]);
} else console.log('better-sqlite3: skipped (set TT_BETTER_SQLITE3)');

const pct = (sorted, quantile) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * quantile))];
for (const [name, open] of bindings) {
  const dir = mkdtempSync(join(tmpdir(), 'tt-sqlite-bench-'));
  const t0 = performance.now();
  const db = open(join(dir, 'db.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec(SCHEMA);
  const opened = performance.now() - t0;
  const insert = db.prepare(
    'INSERT INTO tt_reports (week, x, day, hash, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (week, x) DO NOTHING',
  );
  const hashOf = db.prepare('SELECT hash FROM tt_reports WHERE week = ? AND x = ?');
  const times = [];
  let cpu = process.cpuUsage();
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const t = performance.now();
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < PER_BATCH; i++) {
      const x = `0.${b * PER_BATCH + i + 1}`;
      const hash = createHash('sha256').update(BODY).digest('hex');
      if (Number(insert.run('2026-11-29', x, '2026-12-01', hash, BODY).changes) !== 1)
        hashOf.get('2026-11-29', x);
      if (i % 8 === 0)
        insert.run('2026-11-29', x, '2026-12-01', hash, BODY), hashOf.get('2026-11-29', x); // a repeat
    }
    db.exec('COMMIT');
    times.push(performance.now() - t);
  }
  const wall = performance.now() - started;
  cpu = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const rows = BATCHES * PER_BATCH;
  console.log(
    `${name}: open ${opened.toFixed(1)} ms; ${BATCHES} batches of ${PER_BATCH}: ` +
      `${Math.round(rows / (wall / 1000))} reports/s, batch p50 ${pct(times, 0.5).toFixed(2)} ms p99 ${pct(times, 0.99).toFixed(2)} ms, ` +
      `CPU ${((cpu.user + cpu.system) / rows).toFixed(1)} µs/report`,
  );
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
