import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, weekOf } from '../../server/merge/index.js';
import { openStore, type StoreOptions } from '../../server/store/index.js';
import { tempDir } from '../helpers.js';
import { fill, startPublic } from './merge-setup.js';
import { expected, generateReports } from './report-gen.js';
import { freshDatabase, skipPg } from './pg.js';
import { get, log, merge } from './merge-e2e-run.js';

const WEEKS = ['2026-11-23', '2026-11-26', '2026-11-29', '2026-12-02'];

async function rawFlow(where: StoreOptions, flag: string[]): Promise<void> {
  const reports = generateReports({ seed: 11, count: 300, weeks: WEEKS });
  const store = await openStore(where);
  const byDay = await fill(store, reports, (report, i) => addDays(report.Week, 1 + (i % 3)));
  await store.close();

  const first = merge(...flag, '--publish', 'raw', '--now', '2026-12-04', '--json');
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  const r1 = JSON.parse(first.stdout) as { days: { day: string; reports: number }[] };
  expect(r1.days.map((day) => day.day)).toEqual(
    [...byDay.keys()].filter((key) => key < '2026-12-04').sort(),
  );
  for (const d of r1.days) expect(d.reports).toBe(byDay.get(d.day)!.length);
  // The rest of week 2026-12-06 arrives on later days: its aggregate must then hold them all.
  expect(merge(...flag, '--publish', 'raw', '--now', '2026-12-10').status).toBe(0);
  const third = merge(...flag, '--publish', 'raw', '--now', '2026-12-22');
  // Now final; and a run that merged nothing says why.
  expect(third.stdout).toMatch(
    /^merged 0 days, 0 reports\naggregates written: 2026-11-29\nnothing to merge: every stored report is merged\n$/,
  );

  const served = await openStore(where);
  // `merge` rendered the data pages into the store, as serve's merge worker does.
  const charts = Buffer.from((await served.getPublished('pages/charts.html'))!).toString('utf8');
  expect(charts).toContain('data-week="2026-12-06"');
  const site = await startPublic({ store: served, publish: 'raw', k: 20, ...log });
  try {
    for (const week of ['2026-11-29', '2026-12-06']) {
      const res = await get(`${site.url}/data/aggregates/${week}.json`);
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/json; charset=utf-8');
      const a = JSON.parse(res.text);
      expect(a.final).toBe(week === '2026-11-29');
      expect(res.cache).toBe(a.final ? 'public, max-age=86400' : 'public, max-age=300');
      expect(a.cells.length).toBe(3);
      for (const c of a.cells) {
        const e = expected(reports, weekOf, week, c.program, c.version);
        expect(c.reports).toBe(e.reports);
        expect(
          Object.fromEntries(
            c.counters.map((counter: { name: string; reports: number; total: number }) => [
              counter.name,
              [counter.reports, counter.total],
            ]),
          ),
        ).toEqual(
          Object.fromEntries(
            [...e.counters].map(([key, value]) => [key, [value.has, Number(value.total)]]),
          ),
        );
        for (const r of c.counters) expect(r.fraction).toBe(r.reports / e.reports);
      }
      const csv = await get(`${site.url}/data/aggregates/${week}.csv`);
      expect(csv.type).toBe('text/csv; charset=utf-8');
      expect(csv.text.split('\r\n')[0]).toBe(
        'week,from,program,version,kind,name,reports,cell_reports,fraction,total',
      );
    }
    for (const [day, bodies] of byDay) {
      const res = await get(`${site.url}/data/merged/${day}.ndjson`);
      expect(res.type).toBe('application/x-ndjson; charset=utf-8');
      expect(res.text.split('\n').filter(Boolean).sort()).toEqual([...bodies].sort());
    }
    const index = JSON.parse((await get(`${site.url}/data/index.json`)).text);
    expect(index.days.map((day: { day: string }) => day.day)).toEqual([...byDay.keys()].sort());
    expect(index.ledger).toBeNull();
    const page = await get(`${site.url}/data`);
    expect(page.csp).toContain("default-src 'none'");
    expect((await get(`${site.url}/data/merged/2026-11-24.json`)).status).toBe(404);
    expect(
      (await get(`${site.url}/data/aggregates/..%2Fstate%2Fweeks%2F2026-11-29.json`)).status,
    ).toBe(404);
  } finally {
    await site.close();
    await served.close();
  }
}

describe('telemetry-server merge --publish raw', () => {
  it('publishes every report per arrival day and exact weekly aggregates (directory store)', async () => {
    const data = tempDir('tt-merge-');
    await rawFlow({ data }, ['--data', data]);
  });

  it.skipIf(skipPg)('does the same on PostgreSQL', async () => {
    const database = await freshDatabase();
    await rawFlow({ database }, ['--database', database]);
  });
});

describe('telemetry-server merge refusals', () => {
  it('exits 2 on a wrong command line, 1 while another merge runs or on an old data directory', async () => {
    const data = tempDir('tt-merge-bad-');
    for (const [args, msg] of [
      [['--publish', 'raw'], /give exactly one of --data <dir> and --database <url>/],
      [
        ['--data', data, '--publish', 'raw', '--epsilon', '1'],
        /--epsilon: noise applies only with --publish aggregates/,
      ],
      [['--data', data, '--publish', 'aggregates', '--k', '0'], /--k: "0" is not a whole number/],
      [
        ['--data', data, '--publish', 'aggregates', '--epsilon', 'x'],
        /--epsilon: "x" is not a number/,
      ],
      [
        ['--data', data, '--publish', 'aggregates', '--delta', '0.5'],
        /--delta: "0.5" is not a number in \(0, 0.01\]/,
      ],
      [
        ['--data', data, '--publish', 'aggregates', '--values-per-report', '2'],
        /--values-per-report: "2" is not a whole number/,
      ],
      [
        ['--data', data, '--publish', 'aggregates', '--epsilon', '1', '--no-noise-k-only-unsafe'],
        /--epsilon and --no-noise-k-only-unsafe contradict/,
      ],
      [
        ['--data', data, '--publish', 'raw', '--no-noise-k-only-unsafe'],
        /--no-noise-k-only-unsafe: noise applies only with --publish aggregates/,
      ],
      [
        ['--data', data, '--publish', 'raw', '--now', '2026-02-30'],
        /--now: "2026-02-30" is not a YYYY-MM-DD date/,
      ],
      [['--data', data, '--publish', 'both'], /argument 'both' is invalid/],
    ] as const) {
      const r = merge(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    // Beside a running store the merge takes turns through the lock in the database.
    const store = await openStore({ data });
    const r = await store.withMergeLock(async () => merge('--data', data, '--publish', 'raw'));
    await store.close();
    expect(r!.status).toBe(1);
    expect(r!.stderr).toMatch(/^error: another merge holds the merge lock/);
    const old = tempDir();
    mkdirSync(join(old, 'days'));
    const refused = merge('--data', old, '--publish', 'raw');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: cannot open the store: .*old segment layout.*import-dir/,
    );
  });
});
