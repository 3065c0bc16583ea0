// End to end: reports put into a real store, the built `telemetry-server merge` run as a real
// process, and what the public routes serve over HTTP on 127.0.0.1 compared with an
// independent recount of the reports put in. Raw mode on the directory store and on
// PostgreSQL; aggregates mode with k-anonymity, deletion of merged reports, the ledger, noise.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, addDays, labelThreshold, weekOf } from '../../server/merge/index.js';
import { openStore, type Store, type StoreOptions } from '../../server/store/index.js';
import type { Report } from '../../upload/index.js';
import { tempDir } from '../helpers.js';
import { BIN, configLog, fill, startPublic } from './merge-setup.js';
import { expected, generateReports } from './report-gen.js';
import { freshDatabase, skipPg } from './pg.js';

const merge = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'merge', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    timeout: 60_000,
  });
const WEEKS = ['2026-11-23', '2026-11-26', '2026-11-29', '2026-12-02'];
const log = configLog();

async function get(
  url: string,
): Promise<{ status: number; type: string; cache: string; csp: string; text: string }> {
  const r = await fetch(url);
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    cache: r.headers.get('cache-control') ?? '',
    csp: r.headers.get('content-security-policy') ?? '',
    text: await r.text(),
  };
}

async function rawFlow(where: StoreOptions, flag: string[]): Promise<void> {
  const reports = generateReports({ seed: 11, count: 300, weeks: WEEKS });
  const store = await openStore(where);
  const byDay = await fill(store, reports, (r, i) => addDays(r.Week, 1 + (i % 3)));
  await store.close();

  const first = merge(...flag, '--publish', 'raw', '--now', '2026-12-04', '--json');
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  const r1 = JSON.parse(first.stdout) as { days: { day: string; reports: number }[] };
  expect(r1.days.map((d) => d.day)).toEqual(
    [...byDay.keys()].filter((d) => d < '2026-12-04').sort(),
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
            c.counters.map((r: { name: string; reports: number; total: number }) => [
              r.name,
              [r.reports, r.total],
            ]),
          ),
        ).toEqual(
          Object.fromEntries([...e.counters].map(([k, v]) => [k, [v.has, Number(v.total)]])),
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
    expect(index.days.map((d: { day: string }) => d.day)).toEqual([...byDay.keys()].sort());
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

function cellReports(program: string, n: number, x0: number, rare: number): Report[] {
  return Array.from({ length: n }, (_, i) => ({
    Week: '2026-11-26',
    LastWeek: '',
    X: x0 + (i + 1) / 1000,
    Config: 'v1',
    Programs: [
      {
        Program: program,
        Version: '1.0.0',
        GoVersion: 'node22.11.0',
        GOOS: 'linux',
        GOARCH: 'x64',
        Counters: { [`${program}/run`]: i + 1, ...(i < rare ? { [`${program}/rare`]: 7 } : {}) },
        Stacks: {},
      },
    ],
  }));
}

async function aggregatesFlow(...eps: string[]) {
  const data = tempDir('tt-merge-agg-');
  let store: Store = await openStore({ data });
  const reports = [...cellReports('enough', 20, 0, 19), ...cellReports('few', 19, 0.5, 0)];
  await fill(store, reports, (_r, i) => (i % 2 ? '2026-11-27' : '2026-11-28'));
  await store.close();
  const today = merge('--data', data, '--publish', 'aggregates', '--now', '2026-11-28', ...eps);
  // Reports of a day that is not over wait, and the output says so and names --now.
  expect(today.stdout).toContain(
    'not merged yet: reports that arrived on 2026-11-28 (UTC), merged once that day is over;\n  to see them merged now in a trial store, run with --now 2026-11-29',
  );
  const early = merge('--data', data, '--publish', 'aggregates', '--now', '2026-12-01', ...eps);
  expect(early.status).toBe(0);
  // Nothing is released before the week can receive no more reports; the output names the day.
  expect(early.stdout).toContain(
    'week 2026-11-29 (2026-11-23 to 2026-11-29, named by its Sunday) is released by the first merge on or after 2026-12-22',
  );
  store = await openStore({ data });
  // Merged reports are gone; nothing is published before the week closes.
  for (const day of ['2026-11-27', '2026-11-28']) {
    const left = [];
    for await (const r of store.reportsOf(day)) left.push(r);
    expect(left).toEqual([]);
  }
  expect(await store.listPublished('aggregates/')).toEqual([]);
  expect(await store.listPublished('merged/')).toEqual([]);
  await store.close();
  const late = merge('--data', data, '--publish', 'aggregates', '--now', '2026-12-22', ...eps);
  expect(late.stdout).toMatch(/released final: 2026-11-29|closed and not published .*: 2026-11-29/);
  store = await openStore({ data });
  const state = JSON.parse(
    Buffer.from((await store.getPublished('state/weeks/2026-11-29.json'))!).toString(),
  );
  expect(state).toMatchObject({ closed: true, cells: [], days: ['2026-11-27', '2026-11-28'] });
  return { data, store, late };
}

describe('telemetry-server merge --publish aggregates', () => {
  it('releases a closed week once, without any number from fewer than k reports, then deletes its sums', async () => {
    const { store } = await aggregatesFlow('--no-noise-k-only-unsafe');
    const site = await startPublic({ store, publish: 'aggregates', k: 20, ...log });
    try {
      const a = JSON.parse((await get(`${site.url}/data/aggregates/2026-11-29.json`)).text);
      expect(a).toMatchObject({
        final: true,
        publish: 'aggregates',
        k: 20,
        epsilon: null,
        withheld: { cells: 1, rows: 1 },
      });
      expect(a.cells).toEqual([
        {
          program: 'enough',
          version: '1.0.0',
          reports: 20,
          counters: [
            {
              name: 'enough/run',
              chart: 'enough/run',
              bucket: 'enough/run',
              reports: 20,
              fraction: 1,
              total: 210,
            },
          ],
          stacks: [],
          os: [{ value: 'linux', reports: 20, fraction: 1 }],
          arch: [{ value: 'x64', reports: 20, fraction: 1 }],
          runtime: [{ value: 'node22', reports: 20, fraction: 1 }],
        },
      ]);
      const ledger = JSON.parse((await get(`${site.url}/data/ledger.json`)).text);
      // valuesPerReport is the cap (a parameter), not a measure of any report.
      expect(ledger.releases).toEqual([
        {
          week: '2026-11-29',
          released: '2026-12-21',
          k: 20,
          epsilon: null,
          delta: null,
          epsilonPerCount: null,
          threshold: null,
          clip: null,
          valuesPerReport: 64,
          epsilonPerReport: null,
          deltaPerReport: null,
          cells: 1,
          withheldCells: 1,
          withheldRows: 1,
        },
      ]);
      expect(ledger).toMatchObject({ cumulativeEpsilonPerReport: null, releasesWithoutNoise: 1 });
      expect((await get(`${site.url}/data/merged/2026-11-27.ndjson`)).status).toBe(404);
    } finally {
      await site.close();
      await store.close();
    }
  });

  it('adds noise by default: 39 reports are far under its threshold, so the week is not published at all', async () => {
    const { store, late } = await aggregatesFlow();
    try {
      expect(labelThreshold(DEFAULT_BUDGET, 20)).toBe(276);
      expect(late.stdout).toContain(
        'closed and not published (no cell reached the privacy threshold): 2026-11-29',
      );
      // Neither a file nor a ledger line: their existence would show that someone reported.
      expect(await store.listPublished('aggregates/')).toEqual([]);
      expect(await store.getPublished('ledger.json')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('spends the --epsilon it is given and records the budget in the ledger', async () => {
    // A large ε and δ so that 20 reports pass (τ is then k): what is recorded, not a setting to copy.
    const { store } = await aggregatesFlow(
      '--epsilon',
      '100',
      '--delta',
      '0.01',
      '--values-per-report',
      '8',
    );
    try {
      const a = JSON.parse(
        Buffer.from((await store.getPublished('aggregates/2026-11-29.json'))!).toString(),
      );
      const threshold = labelThreshold({ epsilon: 100, delta: 0.01, valuesPerReport: 8 }, 20);
      expect(a).toMatchObject({
        epsilon: 100,
        clip: 1000,
        delta: 0.01,
        valuesPerReport: 8,
        threshold,
      });
      for (const c of a.cells) expect(c.reports).toBeGreaterThanOrEqual(threshold);
      const ledger = JSON.parse(Buffer.from((await store.getPublished('ledger.json'))!).toString());
      expect(ledger.releases[0]).toMatchObject({
        epsilon: 100,
        delta: 0.01,
        valuesPerReport: 8,
        epsilonPerReport: 100,
        deltaPerReport: 0.08,
        threshold,
      });
      expect(ledger).toMatchObject({
        cumulativeEpsilonPerReport: 100,
        cumulativeDeltaPerReport: 0.08,
        releasesWithoutNoise: 0,
      });
    } finally {
      await store.close();
    }
  });

  it('counts a report that arrives after its week closed as late, and changes nothing published', async () => {
    const { data, store } = await aggregatesFlow('--no-noise-k-only-unsafe');
    const before = Buffer.from(
      (await store.getPublished('aggregates/2026-11-29.json'))!,
    ).toString();
    await fill(store, cellReports('enough', 1, 0.9, 0), () => '2026-12-22');
    await store.close();
    // The same noise setting as the merges before: the store refuses a switch.
    const r = merge(
      '--data',
      data,
      '--publish',
      'aggregates',
      '--no-noise-k-only-unsafe',
      '--now',
      '2026-12-23',
    );
    expect(r.stdout).toContain('1 reports arrived after their week closed and were not counted');
    const again = await openStore({ data });
    expect(Buffer.from((await again.getPublished('aggregates/2026-11-29.json'))!).toString()).toBe(
      before,
    );
    await again.close();
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
