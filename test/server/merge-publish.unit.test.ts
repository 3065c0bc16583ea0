// What server/merge publishes for a week: the exact recounted sums in raw mode, the same sums
// whatever the order and split of the reports, k-anonymity and the complement rule in aggregates
// mode, noise only when epsilon is set. Numbers are checked against test/server/report-gen.ts's
// independent recount.
import { describe, expect, it } from 'vitest';
import {
  CLIP,
  type WeekCells,
  addReport,
  addWeek,
  buildAggregate,
  parseReport,
  stringifyExact,
  weekOf,
} from '../../server/merge/index.js';
import { cellFromJSON, cellToJSON } from '../../server/merge/cell.js';
import type { Report } from '../../upload/index.js';
import { expected, generateReports } from './report-gen.js';

const WEEKS = ['2026-11-23', '2026-11-26', '2026-11-29', '2026-12-02'];

function cellsOf(reports: Report[]): Map<string, WeekCells> {
  const byWeek = new Map<string, WeekCells>();
  for (const r of reports) addReport(byWeek, parseReport(JSON.stringify(r)));
  return byWeek;
}

describe('aggregates', () => {
  const reports = generateReports({ seed: 7, count: 400, weeks: WEEKS });

  it('publish exactly the recounted numbers in raw mode', () => {
    const byWeek = cellsOf(reports);
    expect([...byWeek.keys()].sort()).toEqual(['2026-11-29', '2026-12-06']);
    let cells = 0;
    for (const [week, wc] of byWeek) {
      const a = buildAggregate(week, wc, { publish: 'raw', k: 20, final: false });
      expect(a.withheld).toEqual({ cells: 0, rows: 0 });
      for (const c of a.cells) {
        cells++;
        const e = expected(reports, weekOf, week, c.program, c.version);
        expect(c.reports).toBe(e.reports);
        expect(
          new Map(
            c.counters.map((counter) => [
              counter.name,
              { has: counter.reports, total: BigInt(counter.total) },
            ]),
          ),
        ).toEqual(e.counters);
        for (const r of c.counters) expect(r.fraction).toBe(r.reports / e.reports);
        expect(new Map(c.os.map((row) => [row.value, row.reports]))).toEqual(e.os);
      }
    }
    expect(cells).toBe(6);
  });

  it('come out the same when a week arrives over several days, in any order, through JSON', () => {
    const all = cellsOf(reports);
    const parts = [reports.slice(0, 100), reports.slice(100, 101), reports.slice(101)].map(cellsOf);
    for (const order of [
      [0, 1, 2],
      [2, 0, 1],
    ]) {
      const week = '2026-11-29';
      const sum: WeekCells = new Map();
      for (const i of order) {
        const part = parts[i]!.get(week);
        if (!part) continue;
        const viaJSON: WeekCells = new Map(
          [...part].map(([key, cell]) => [
            key,
            cellFromJSON(JSON.parse(JSON.stringify(cellToJSON(cell)))),
          ]),
        );
        addWeek(sum, viaJSON);
      }
      const opts = { publish: 'raw' as const, k: 20, final: true };
      expect(stringifyExact(buildAggregate(week, sum, opts))).toBe(
        stringifyExact(buildAggregate(week, all.get(week)!, opts)),
      );
    }
  });

  it('count a report once per program and version even with two entries of it', () => {
    const entry = {
      Program: 'p',
      Version: '1',
      GoVersion: 'node22.1.0',
      GOARCH: 'x64',
      Counters: { a: 2, b: 0 },
      Stacks: {},
    };
    const r: Report = {
      Week: '2026-11-29',
      LastWeek: '',
      X: 0.5,
      Config: 'v0',
      Programs: [
        { ...entry, GOOS: 'linux' },
        { ...entry, GOOS: 'darwin', GoVersion: 'node22.2.0' },
      ],
    };
    const a = buildAggregate('2026-11-29', cellsOf([r]).get('2026-11-29')!, {
      publish: 'raw',
      k: 20,
      final: false,
    });
    expect(a.cells[0]!.reports).toBe(1);
    expect(
      a.cells[0]!.counters.map((counter) => [counter.name, counter.reports, counter.total]),
    ).toEqual([
      ['a', 1, 4],
      ['b', 0, 0],
    ]);
    expect(a.cells[0]!.os.map((row) => [row.value, row.reports])).toEqual([
      ['darwin', 1],
      ['linux', 1],
    ]);
    expect(a.cells[0]!.runtime.map((row) => [row.value, row.reports])).toEqual([['node22', 1]]);
  });

  it('withhold in aggregates mode every cell and row counted by fewer than k reports', () => {
    const k = 20;
    const make = (count: number, program: string, rare: number) =>
      Array.from(
        { length: count },
        (_, i): Report => ({
          Week: '2026-11-29',
          LastWeek: '',
          X: (i + 1) / 1000,
          Config: 'v0',
          Programs: [
            {
              Program: program,
              Version: '1',
              GoVersion: 'node22.1.0',
              GOOS: i < rare ? 'freebsd' : 'linux',
              GOARCH: 'x64',
              Counters: { common: 1, ...(i < rare ? { rare: 5 } : {}) },
              Stacks: {},
            },
          ],
        }),
      );
    const reports = [
      ...make(k, 'enough', k - 1),
      ...make(k - 1, 'few', 0).map((report) => ({ ...report, X: report.X + 0.5 })),
    ];
    const a = buildAggregate('2026-11-29', cellsOf(reports).get('2026-11-29')!, {
      publish: 'aggregates',
      k,
      final: true,
    });
    expect(a.cells.map((cell) => cell.program)).toEqual(['enough']);
    expect(a.cells[0]!.counters.map((counter) => counter.name)).toEqual(['common']);
    expect(a.cells[0]!.os).toEqual([]); // 19 freebsd and 1 linux: both under k
    expect(a.cells[0]!.arch).toEqual([{ value: 'x64', reports: 20, fraction: 1 }]);
    expect(a.withheld).toEqual({ cells: 1, rows: 3 });
    expect(a.k).toBe(20);
    expect(a.epsilon).toBeNull();
    expect(JSON.stringify(a)).not.toContain('rare');
  });

  it('withhold what the cell total would give away: a small complement, or one small withheld value', () => {
    const k = 10;
    const reports = Array.from(
      { length: 30 },
      (_, i): Report => ({
        Week: '2026-11-29',
        LastWeek: '',
        X: (i + 1) / 100,
        Config: 'v0',
        Programs: [
          {
            Program: 'p',
            Version: '1',
            GoVersion: 'node22.1.0',
            GOOS: i < 25 ? 'linux' : 'darwin',
            GOARCH: i < 20 ? 'x64' : 'arm64',
            Counters: { ...(i < 25 ? { a: 1 } : {}), ...(i < 20 ? { b: 1 } : {}), all: 1 },
            Stacks: {},
          },
        ],
      }),
    );
    const a = buildAggregate('2026-11-29', cellsOf(reports).get('2026-11-29')!, {
      publish: 'aggregates',
      k,
      final: true,
    });
    const c = a.cells[0]!;
    // a: 25 with, 5 without (5 < k): withheld. b: 20 with, 10 without: shown. all: 30 with, 0 without: shown.
    expect(c.counters.map((counter) => counter.name)).toEqual(['all', 'b']);
    // darwin (5) is under k, and 30 − linux would give it: linux is withheld too.
    expect(c.os).toEqual([]);
    expect(c.arch.map((row) => [row.value, row.reports])).toEqual([
      ['arm64', 10],
      ['x64', 20],
    ]);
    expect(a.withheld.rows).toBe(3);
    // Raw mode publishes the reports themselves: nothing is withheld there.
    expect(
      buildAggregate('2026-11-29', cellsOf(reports).get('2026-11-29')!, {
        publish: 'raw',
        k,
        final: true,
      }).cells[0]!.os,
    ).toHaveLength(2);
  });

  it('add noise only when epsilon is set, and say so', () => {
    const wc = cellsOf(reports).get('2026-11-29')!;
    const exact = buildAggregate('2026-11-29', wc, { publish: 'aggregates', k: 1, final: true });
    const again = buildAggregate('2026-11-29', wc, { publish: 'aggregates', k: 1, final: true });
    expect(again).toEqual(exact);
    const noisy = buildAggregate('2026-11-29', wc, {
      publish: 'aggregates',
      k: 1,
      epsilon: 0.5,
      final: true,
    });
    expect(noisy.epsilon).toBe(0.5);
    expect(noisy.clip).toBe(CLIP);
    const counts = (x: typeof exact) =>
      x.cells.flatMap((cell) => [cell.reports, ...cell.counters.map((counter) => counter.reports)]);
    expect(counts(noisy)).not.toEqual(counts(exact));
    for (const c of noisy.cells)
      for (const r of c.counters) expect(r.fraction).toBeLessThanOrEqual(1);
  });
});
